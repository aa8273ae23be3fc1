// The sandbox's built-in callback receiver: `npm start` points the sandbox key's callbacks here, so a
// new user sees each signed event arrive (a log line, and GET /sandbox/callbacks lists them).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { asBatchEvent, verifyBalanceCheckWebhook, type VerifiedWebhook } from '../client/verify-webhook';

export const SANDBOX_CALLBACK_PATH = '/sandbox/callbacks';
/** The sandbox key's signing secret (a dev secret; real keys get theirs from CALLBACK_SECRETS). */
export const SANDBOX_CALLBACK_SECRET = `whsec_${Buffer.from('balance-check sandbox callback secret').toString('base64')}`;

export interface CallbackReceiver {
  handle(req: IncomingMessage, res: ServerResponse): void;
  received: VerifiedWebhook[];
}

export function createCallbackReceiver(
  secrets: readonly string[],
  log: (line: string, event?: VerifiedWebhook) => void,
): CallbackReceiver {
  const received: VerifiedWebhook[] = [];
  return {
    received,
    handle(req, res) {
      if (req.method === 'GET') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(received.slice(-50), null, 2));
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let verified: VerifiedWebhook;
        try {
          verified = verifyBalanceCheckWebhook(secrets, req.headers, Buffer.concat(chunks).toString('utf8'));
        } catch (err) {
          log(`callback REJECTED: ${(err as Error).message}`);
          res.writeHead(400).end();
          return;
        }
        if (!received.some((r) => r.id === verified.id)) {
          received.push(verified);
          if (received.length > 200) received.shift();
          const { event } = verified;
          const batch = asBatchEvent(event);
          if (batch) {
            const { batchId, status, counts } = batch.data;
            log(`callback received: ${batch.type} ${batchId} ${status} (${counts.done} items)`, verified);
          } else {
            const { type, data } = event as Exclude<typeof event, { type: 'balance_check_batch.completed' }>;
            const challenges =
              'challenges' in data ? data.challenges.map((c) => `${c.id} "${c.label}"`).join(', ') : '';
            log(
              `callback received: ${type} ${data.checkId}${challenges ? ` challenges: ${challenges}` : ''}`,
              verified,
            );
          }
        }
        res.writeHead(204).end();
      });
    },
  };
}
