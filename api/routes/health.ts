// Liveness (process up) and readiness (Temporal reachable).
import { Router } from 'express';
import type { Client } from '@temporalio/client';

export function createHealthRouter(client: Client): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await client.withDeadline(Date.now() + 2_000, () =>
        client.connection.workflowService.getSystemInfo({}),
      );
      res.json({ status: 'ready', temporal: 'reachable' });
    } catch (err) {
      res
        .status(503)
        .type('application/problem+json')
        .json({
          type: 'https://balance-check.dev/problems/not-ready',
          title: 'Temporal is not reachable',
          status: 503,
          detail: (err as Error).message,
        });
    }
  });
  return router;
}
