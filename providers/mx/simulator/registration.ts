// MX sandbox: the simulator with sandbox credentials, and how test relays read its webhooks.
import type { ProviderSandbox } from '../../simulator-registration';
import { startMxSimulator } from '.';

const SANDBOX = {
  clientId: 'sandbox-client',
  apiKey: 'sandbox-api-key',
  webhook: { username: 'mx-webhooks', password: 'sandbox-webhook-password' },
};

export const mxSandbox: ProviderSandbox = {
  name: 'mx',
  async start({ webhookUrl, timeScale, port }) {
    const simulator = await startMxSimulator(
      {
        clientId: SANDBOX.clientId,
        apiKey: SANDBOX.apiKey,
        webhookAuth: SANDBOX.webhook,
        timeScale,
        ...(webhookUrl ? { webhookTarget: { url: webhookUrl } } : {}),
      },
      port,
    );
    return {
      simulator,
      env: {
        MX_BASE_URL: simulator.url,
        MX_CLIENT_ID: SANDBOX.clientId,
        MX_API_KEY: SANDBOX.apiKey,
        MX_WEBHOOK_USERNAME: SANDBOX.webhook.username,
        MX_WEBHOOK_PASSWORD: SANDBOX.webhook.password,
      },
    };
  },
  testHooks: {
    webhookKey: (body) => String(body.member_guid),
    // MX sends no webhook for FAILED: a BALANCE webhook or a DENIED status ends what webhooks can end.
    isTerminalWebhook: (body) => body.type === 'BALANCE' || body.connection_status === 'DENIED',
  },
};
