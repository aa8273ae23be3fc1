// POST /v1/balance-checks/{id}/events — for webhook relays: a provider event already verified upstream
// (the relay's API key needs the `events` scope) becomes the workflow's providerEvent signal.
import { Router } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { providerEventSignal } from '../../workflows/definitions';
import { requireScope } from '../auth';
import { describeCheck } from '../check-view';
import { problem, validationProblem } from '../problem';
import type { RecentEventIds } from '../recent-events';
import type { RequestSchemas } from '../schemas';
import { checkRefParam } from './checks';
import { withTemporalDeadline } from '../temporal-deadline';

export interface CheckEventsDeps {
  client: Client;
  recent: RecentEventIds;
  /** Built from the providers the API admits (api/schemas.ts requestSchemas). */
  checkEventBody: RequestSchemas['checkEvent'];
}

export function createCheckEventsRouter(deps: CheckEventsDeps): Router {
  const router = Router();
  router.post('/:id/events', requireScope('events'), async (req, res) => {
    const ref = checkRefParam(req);
    const parsed = deps.checkEventBody.safeParse(req.body);
    if (!parsed.success) throw validationProblem(parsed.error);
    const event = parsed.data;
    // The workflow id names the provider (balance-check:<provider>:…): an event of another provider is a mistake.
    if (ref.workflowId.split(':')[1] !== event.provider) {
      throw problem(422, 'provider-mismatch', 'The event is for another provider than the check', undefined, {
        errors: [{ path: 'body.provider', message: `this check is a ${ref.workflowId.split(':')[1]} check` }],
      });
    }
    // Same key as the webhook route: a relay and a direct delivery of one event make one signal.
    const eventKey = `${ref.runId}:${event.eventId}`;
    if (deps.recent.seen(eventKey)) return void res.status(202).json({ status: 'duplicate' });
    try {
      await withTemporalDeadline(deps.client, () =>
        deps.client.workflow.getHandle(ref.workflowId, ref.runId).signal(providerEventSignal, event),
      );
    } catch (err) {
      deps.recent.forget(eventKey);
      if (!(err instanceof WorkflowNotFoundError)) throw err;
      await describeCheck(deps.client, ref); // 404 when the run does not exist at all
      throw problem(409, 'check-finished', 'The check has already finished');
    }
    res.status(202).json({ status: 'signaled' });
  });
  return router;
}
