// Meld behind the registry: env config, provider, webhook (meld-signature HMAC), resource shape. Sandbox: simulator/registration.ts.
import { z } from 'zod';
import type { ProviderRegistration } from '../registration';
import { MELD_ASSUMPTIONS } from './assumptions';
import { MeldClient } from './client';
import { createMeldProvider } from './provider';
import { verifyMeldWebhook } from './signature';
import { translateMeldWebhook } from './webhook';

const MeldEnv = z.object({
  MELD_BASE_URL: z.url(),
  MELD_API_KEY: z.string().min(1),
  MELD_WEBHOOK_SECRET: z.string().min(1),
  /** The public URL Meld posts to: it is part of the signed string, so it comes from config. */
  MELD_WEBHOOK_URL: z.url(),
  MELD_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().positive().default(300),
  MELD_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .default(MELD_ASSUMPTIONS.defaultMeldVersion),
});
type MeldConfig = z.infer<typeof MeldEnv>;

export const meldRegistration: ProviderRegistration<MeldConfig> = {
  name: 'meld',
  title: 'Meld Bank Linking',
  resource: {
    userId: 'Meld customerId',
    memberId: { presence: 'required', meaning: 'Meld connectionId: the connection to refresh' },
  },
  configFromEnv: (env) => (env.MELD_BASE_URL ? MeldEnv.parse(env) : undefined),
  createProvider: (c, deps) =>
    createMeldProvider(
      new MeldClient({
        baseUrl: c.MELD_BASE_URL,
        apiKey: c.MELD_API_KEY,
        meldVersion: c.MELD_VERSION,
        ...deps,
      }),
    ),
  authenticateWebhook(c, req) {
    const verdict = verifyMeldWebhook({
      secret: c.MELD_WEBHOOK_SECRET,
      url: c.MELD_WEBHOOK_URL,
      headers: req.headers,
      rawBody: req.rawBody,
      toleranceSeconds: c.MELD_WEBHOOK_TOLERANCE_SECONDS,
    });
    return verdict.ok ? verdict : { ok: false, reason: `Meld signature rejected: ${verdict.reason}` };
  },
  translateWebhook: translateMeldWebhook,
  envDoc: [
    { key: 'MELD_BASE_URL', meaning: 'Meld API host (https://api-sb.meld.io or https://api.meld.io)' },
    { key: 'MELD_API_KEY', meaning: 'Meld API key (sent as `Authorization: BASIC <key>`)', secret: true },
    { key: 'MELD_WEBHOOK_SECRET', meaning: 'Meld webhook signing secret', secret: true },
    { key: 'MELD_WEBHOOK_URL', meaning: 'The public URL Meld posts webhooks to (part of the signed string)' },
    {
      key: 'MELD_WEBHOOK_TOLERANCE_SECONDS',
      meaning: 'Accepted age of meld-signature-timestamp (default 300)',
    },
    {
      key: 'MELD_VERSION',
      meaning: `Meld-Version sent on every call (default ${MELD_ASSUMPTIONS.defaultMeldVersion})`,
    },
  ],
};
