// Spinwheel behind the registry: env config, provider, webhook (shared-secret header, optional IPs), resource shape.
// Sandbox: simulator/registration.ts.
import { z } from 'zod';
import type { ProviderRegistration } from '../registration';
import { DEFAULT_REFRESH_SETTLE_MS, REALTIME_BALANCE_CAPABILITY } from './assumptions';
import { SpinwheelClient } from './client';
import { createSpinwheelProvider } from './provider';
import { translateSpinwheelWebhook, verifySpinwheelWebhook } from './webhook';

const SpinwheelEnv = z.object({
  SPINWHEEL_BASE_URL: z.url(),
  SPINWHEEL_SECRET_KEY: z.string().min(1),
  SPINWHEEL_WEBHOOK_HEADER: z.string().min(1).default('x-spinwheel-webhook-secret'),
  SPINWHEEL_WEBHOOK_SECRET: z.string().min(1),
  /** Comma-separated source IPs Spinwheel sends from; empty = no IP check. */
  SPINWHEEL_WEBHOOK_IPS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
    ),
  /** The undocumented refresh status GET: off, or probe (a 404/405 turns it off for this worker). */
  SPINWHEEL_STATUS_ENDPOINT: z.enum(['off', 'probe']).default('off'),
  SPINWHEEL_CAPABILITY_NAME: z.string().min(1).default(REALTIME_BALANCE_CAPABILITY),
  SPINWHEEL_REFRESH_SETTLE_SECONDS: z.coerce
    .number()
    .positive()
    .default(DEFAULT_REFRESH_SETTLE_MS / 1000),
});
type SpinwheelConfig = z.infer<typeof SpinwheelEnv>;

export const spinwheelRegistration: ProviderRegistration<SpinwheelConfig> = {
  name: 'spinwheel',
  title: 'Spinwheel',
  resource: {
    userId: 'Spinwheel userId',
    memberId: {
      presence: 'forbidden',
      why: "a Spinwheel check refreshes the user's liabilities; it names a user only",
    },
  },
  configFromEnv: (env) => (env.SPINWHEEL_BASE_URL ? SpinwheelEnv.parse(env) : undefined),
  createProvider: (c, deps) =>
    createSpinwheelProvider(
      new SpinwheelClient({
        baseUrl: c.SPINWHEEL_BASE_URL,
        secretKey: c.SPINWHEEL_SECRET_KEY,
        statusEndpoint: c.SPINWHEEL_STATUS_ENDPOINT,
        capabilityName: c.SPINWHEEL_CAPABILITY_NAME,
        ...deps,
      }),
      { settleMs: c.SPINWHEEL_REFRESH_SETTLE_SECONDS * 1000 },
    ),
  webhookAuthInHeaders: true,
  authenticateWebhook: (c, req) =>
    verifySpinwheelWebhook({
      headers: req.headers,
      headerName: c.SPINWHEEL_WEBHOOK_HEADER,
      secret: c.SPINWHEEL_WEBHOOK_SECRET,
      remoteIp: req.remoteIp,
      ...(c.SPINWHEEL_WEBHOOK_IPS.length ? { allowedIps: c.SPINWHEEL_WEBHOOK_IPS } : {}),
    })
      ? { ok: true }
      : { ok: false, reason: 'Missing or wrong webhook secret header, or source IP not allowed' },
  translateWebhook: translateSpinwheelWebhook,
  envDoc: [
    {
      key: 'SPINWHEEL_BASE_URL',
      meaning: 'Spinwheel API host (https://sandbox-api.spinwheel.io or https://api.spinwheel.io)',
    },
    { key: 'SPINWHEEL_SECRET_KEY', meaning: 'Spinwheel secret key (Bearer)', secret: true },
    {
      key: 'SPINWHEEL_WEBHOOK_HEADER',
      meaning: 'Custom header Spinwheel sends with webhooks (default x-spinwheel-webhook-secret)',
    },
    { key: 'SPINWHEEL_WEBHOOK_SECRET', meaning: 'Value of that header', secret: true },
    { key: 'SPINWHEEL_WEBHOOK_IPS', meaning: 'Optional comma-separated allow-list of webhook source IPs' },
    {
      key: 'SPINWHEEL_STATUS_ENDPOINT',
      meaning: 'off (default) or probe: use the undocumented refresh status GET, dropped for good on 404/405',
    },
    {
      key: 'SPINWHEEL_CAPABILITY_NAME',
      meaning: 'Capability named in the refresh body (default REALTIME_BALANCE)',
    },
    {
      key: 'SPINWHEEL_REFRESH_SETTLE_SECONDS',
      meaning: 'Without a new updatedOn after this long (default 120), a card counts as not refreshed',
    },
  ],
};
