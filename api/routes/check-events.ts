// POST /v1/balance-checks/{id}/events — for webhook relays: a provider event already verified upstream
// (the relay's API key needs the `events` scope) becomes the workflow's providerEvent signal.
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { parseBalanceCheckWorkflowId } from '../../contracts/balance-check';
import { signalRun } from '../deliver-event';
import { requireScope } from '../auth';
import { describeCheck } from '../check-view';
import { problem, validationProblem } from '../problem';
import type { EventIdDedupe } from '../state/types';
import type { RequestSchemas } from '../schemas';
import { checkRefParam } from './checks';

export interface CheckEventsDeps {
  client: Client;
  recent: EventIdDedupe;
  /** Built from the providers the API admits (api/schemas.ts requestSchemas). */
  checkEventBody: RequestSchemas['checkEvent'];
}

export function createCheckEventsRouter(deps: CheckEventsDeps): Router {
  const router = Router();
  router.post('/:id/events', requireScope('events'), async (req, res) => {
    const ref = checkRefParam(req, res);
    const parsed = deps.checkEventBody.safeParse(req.body);
    if (!parsed.success) throw validationProblem(parsed.error);
    const event = parsed.data;
    const provider = parseBalanceCheckWorkflowId(ref.workflowId)?.provider;
    if (provider !== event.provider) {
      throw problem(422, 'provider-mismatch', 'The event is for another provider than the check', undefined, {
        errors: [{ path: 'body.provider', message: `this check is a ${provider} check` }],
      });
    }
    // The same dedupe as the webhook route: a relay and a direct delivery of one event make one signal.
    const delivery = await signalRun(deps.client, deps.recent, ref, event);
    if (delivery === 'duplicate') return void res.status(202).json({ status: 'duplicate' });
    if (delivery === 'no-check') {
      await describeCheck(deps.client, ref); // 404 when the run does not exist at all
      throw problem(409, 'check-finished', 'The check has already finished');
    }
    res.status(202).json({ status: 'signaled' });
  });
  return router;
}
