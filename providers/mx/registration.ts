// MX behind the registry: env config, provider, webhook (HTTP Basic), resource shape. Sandbox: simulator/registration.ts.
import { z } from 'zod';
import type { ProviderRegistration } from '../registration';
import { MxClient } from './client';
import { createMxProvider } from './provider';
import { translateMxWebhook, verifyMxWebhookAuth } from './webhook';

const MxEnv = z.object({
  MX_BASE_URL: z.url(),
  MX_CLIENT_ID: z.string().min(1),
  MX_API_KEY: z.string().min(1),
  MX_WEBHOOK_USERNAME: z.string().min(1),
  MX_WEBHOOK_PASSWORD: z.string().min(1),
});
type MxConfig = z.infer<typeof MxEnv>;

export const mxRegistration: ProviderRegistration<MxConfig> = {
  name: 'mx',
  title: 'MX Platform API',
  resource: {
    userId: 'MX user guid (or your user id)',
    memberId: { presence: 'required', meaning: 'MX member guid: the connection to refresh' },
  },
  configFromEnv: (env) => (env.MX_BASE_URL ? MxEnv.parse(env) : undefined),
  createProvider: (c, deps) =>
    createMxProvider(
      new MxClient({ baseUrl: c.MX_BASE_URL, clientId: c.MX_CLIENT_ID, apiKey: c.MX_API_KEY, ...deps }),
    ),
  webhookAuthInHeaders: true,
  authenticateWebhook: (c, req) =>
    verifyMxWebhookAuth(req.headers.authorization, {
      username: c.MX_WEBHOOK_USERNAME,
      password: c.MX_WEBHOOK_PASSWORD,
    })
      ? { ok: true }
      : { ok: false, reason: 'Invalid or missing HTTP Basic credentials' },
  translateWebhook: translateMxWebhook,
  envDoc: [
    { key: 'MX_BASE_URL', meaning: 'MX Platform API host (https://int-api.mx.com or https://api.mx.com)' },
    { key: 'MX_CLIENT_ID', meaning: 'MX client id (HTTP Basic user)' },
    { key: 'MX_API_KEY', meaning: 'MX API key (HTTP Basic password)', secret: true },
    { key: 'MX_WEBHOOK_USERNAME', meaning: 'Basic-auth user MX sends webhooks with' },
    { key: 'MX_WEBHOOK_PASSWORD', meaning: 'Basic-auth password MX sends webhooks with', secret: true },
  ],
};
