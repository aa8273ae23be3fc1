// Spinwheel sandbox: the simulator with sandbox credentials, and how test relays read its webhooks.
import type { ProviderSandbox } from '../../simulator-registration';
import { startSpinwheelSimulator } from '.';

const SANDBOX = {
  secretKey: 'sandbox-spinwheel-secret',
  header: 'x-spinwheel-webhook-secret',
  webhookSecret: 'sandbox-spinwheel-webhook-secret',
};

type RefreshData = { refreshTransactionStatus?: string };

export const spinwheelSandbox: ProviderSandbox = {
  name: 'spinwheel',
  async start({ webhookUrl, timeScale, port }) {
    const simulator = await startSpinwheelSimulator(
      {
        secretKey: SANDBOX.secretKey,
        webhookSecretHeader: { name: SANDBOX.header, value: SANDBOX.webhookSecret },
        timeScale,
        ...(webhookUrl ? { webhookTarget: { url: webhookUrl } } : {}),
      },
      port,
    );
    return {
      simulator,
      env: {
        SPINWHEEL_BASE_URL: simulator.url,
        SPINWHEEL_SECRET_KEY: SANDBOX.secretKey,
        SPINWHEEL_WEBHOOK_HEADER: SANDBOX.header,
        SPINWHEEL_WEBHOOK_SECRET: SANDBOX.webhookSecret,
        // The simulator serves the status endpoint; tests switch it off to exercise the fallback.
        SPINWHEEL_STATUS_ENDPOINT: 'probe',
        // A sandbox card settles in 4–6 s (scaled): give it 30 s (scaled) before calling it unconfirmed.
        SPINWHEEL_REFRESH_SETTLE_SECONDS: String(30 * (timeScale ?? 1)),
      },
    };
  },
  testHooks: {
    webhookKey: (body) => String(body.userId),
    isTerminalWebhook(body) {
      const data = body.data as RefreshData | RefreshData[];
      return (Array.isArray(data) ? data : [data]).some(
        (d) => d.refreshTransactionStatus === 'COMPLETED' || d.refreshTransactionStatus === 'FAILED',
      );
    },
  },
};
