// Reliability (CI subset): webhook chaos — duplicated, reordered (Meld UPDATED before UPDATING, MX
// BALANCE before CONNECTION_STATUS), held until after completion, replayed just before / just after
// the next check of the resource starts, and events for unknown resources (202, nothing breaks).
// No check finishes wrongly, early (stale completion) or with non-REALTIME balances.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runWebhookChaos } from '../reliability/webhook-chaos';
import { useReliabilityEnv } from '../helpers/reliability-env';

describe('reliability: webhook chaos', () => {
  const env = useReliabilityEnv({ timeScale: 1, worker: { id: 'chaos' } });

  it('no check finishes wrongly whatever the webhooks do', async () => {
    const report = await runWebhookChaos(env(), { log: (l) => console.log(`[chaos] ${l}`) });
    for (const c of report.cases)
      console.log(
        `[chaos] ${c.problems.length === 0 ? 'ok   ' : c.knownIssue ? 'KNOWN' : 'FAIL '} ${c.name} / ${c.scenario}: ${c.status}, accepted ${c.eventsAccepted}, polls ${c.polls}, starts ${c.refreshStarts}, posts ${JSON.stringify(c.posts)} ${c.problems.join('; ')}`,
      );
    assert.deepEqual(
      report.cases
        .filter((c) => c.problems.length > 0 && !c.knownIssue)
        .map((c) => `${c.name} / ${c.scenario}: ${c.problems.join('; ')}`),
      [],
    );
    assert.deepEqual(
      report.unknown.filter((u) => !u.ok),
      [],
      'unknown-resource webhooks',
    );
  });
});
