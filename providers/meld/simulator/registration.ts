// Meld sandbox: the simulator with sandbox credentials, and how test relays read (and re-sign) its webhooks.
import type { ProviderSandbox } from '../../simulator-registration';
import { MELD_SIGNATURE_HEADER, MELD_TIMESTAMP_HEADER, signMeldWebhook } from '../signature';
import { startMeldSimulator } from '.';

const SANDBOX = { apiKey: 'sandbox-meld-key', webhookSecret: 'sandbox-meld-webhook-secret' };

export const meldSandbox: ProviderSandbox = {
  name: 'meld',
  async start({ webhookUrl, timeScale, port }) {
    const simulator = await startMeldSimulator(
      {
        apiKey: SANDBOX.apiKey,
        webhookSecret: SANDBOX.webhookSecret,
        timeScale,
        // Meld signs the public URL it is configured with, even when a proxy forwards elsewhere.
        ...(webhookUrl ? { webhookTarget: { url: webhookUrl }, webhookUrl } : {}),
      },
      port,
    );
    return {
      simulator,
      env: {
        MELD_BASE_URL: simulator.url,
        MELD_API_KEY: SANDBOX.apiKey,
        MELD_WEBHOOK_SECRET: SANDBOX.webhookSecret,
        MELD_WEBHOOK_URL: webhookUrl ?? 'http://127.0.0.1/webhooks/meld',
      },
    };
  },
  testHooks: {
    webhookKey: (body) => String((body.payload as Record<string, unknown> | undefined)?.connectionId),
    isTerminalWebhook: (body) => body.eventType === 'BANK_LINKING_ACCOUNTS_UPDATED',
    // The signature is time-bound: a redelivery is signed afresh, over the URL the API is configured with.
    redeliveryHeaders(rawBody, env) {
      const timestamp = new Date().toISOString();
      return {
        [MELD_TIMESTAMP_HEADER]: timestamp,
        [MELD_SIGNATURE_HEADER]: signMeldWebhook({
          secret: env.MELD_WEBHOOK_SECRET!,
          timestamp,
          url: env.MELD_WEBHOOK_URL!,
          rawBody,
        }),
      };
    },
  },
};
