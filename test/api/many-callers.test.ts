// Many callers, many tenants (issue 11): each caller of a shared refresh gets the answer to its own
// question; a tenant never sees, answers, cancels or relays to another tenant's checks; only a
// trusted event finishes a refresh — an MFA-gated one finishes only after its answer.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, it } from 'node:test';
import { buildOpenApiDocument } from '../../api/openapi';
import { resolveTemporalCli } from '../../scripts/temporal-cli';
import { startTestStack, TEST_API_KEYS, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { createContractRecorder } from './contract-recorder';
import type { balanceCheck } from '../../workflows';

const run = promisify(execFile);
const USER = 'USR-sandbox';
const mx = (memberId: string, extra: Record<string, unknown> = {}) => ({
  provider: 'mx',
  resource: { userId: USER, memberId },
  ...extra,
});
const asOther = { authorization: `Bearer ${TEST_API_KEYS.otherTenant}` };
const asReadOnly = { authorization: `Bearer ${TEST_API_KEYS.readOnly}` };
const asRelay = { authorization: `Bearer ${TEST_API_KEYS.relay}` };
const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('many callers and tenants (running stack)', () => {
  let stack: TestStack;
  const contract = createContractRecorder(buildOpenApiDocument() as never);
  const started: string[] = [];

  async function api(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const res = await stack.api(method, path, body, headers);
    contract.record(method, path, res.status, res.headers, res.body);
    return res;
  }
  async function startCheck(body: unknown, headers?: Record<string, string>) {
    const res = await api('POST', '/v1/balance-checks', body, headers);
    assert.ok(res.status === 202 || res.status === 200, JSON.stringify(res.body));
    started.push(res.body.workflowId);
    return res.body as { id: string; workflowId: string; runId: string };
  }
  const view = async (id: string, headers?: Record<string, string>) =>
    (await api('GET', `/v1/balance-checks/${id}`, undefined, headers)).body;
  const until = async (id: string, predicate: (v: any) => boolean, ms = 30_000) => {
    let v: any;
    await waitFor(async () => predicate((v = await view(id))), ms);
    return v;
  };
  const mxWebhook = (body: object) =>
    fetch(`${stack.apiUrl}/webhooks/mx`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(
          `${stack.providerEnv.MX_WEBHOOK_USERNAME}:${stack.providerEnv.MX_WEBHOOK_PASSWORD}`,
        ).toString('base64')}`,
      },
      body: JSON.stringify(body),
    });

  before(async () => {
    stack = await startTestStack({ providers: ['mx'] });
  });
  afterEach(async () => {
    for (const workflowId of started.splice(0))
      await stack.env.client.workflow
        .getHandle<typeof balanceCheck>(workflowId)
        .terminate('test cleanup')
        .catch(() => undefined);
  });
  after(async () => {
    await stack?.stop();
    assert.deepEqual(contract.violations(), []);
  });

  it('callers with different questions on one running check each get their own answer; one provider refresh', async () => {
    const sim = stack.simulators.mx!;
    const before = sim.refreshStarts(`${USER}:MBR-slow`);
    const small = await startCheck(
      mx('MBR-slow', { fundingAccountId: 'ACT-slow-checking', requiredAmount: usd(1000) }),
    );
    // Joiners, while the first refresh runs: a larger amount (long-poll) and an account filter.
    const [large, savings] = await Promise.all([
      api(
        'POST',
        '/v1/balance-checks',
        mx('MBR-slow', { fundingAccountId: 'ACT-slow-checking', requiredAmount: usd(900_000_000) }),
        { prefer: 'wait=30' },
      ),
      api('POST', '/v1/balance-checks', mx('MBR-slow', { accountIds: ['ACT-slow-savings'] })),
    ]);
    assert.equal(large.status, 200, JSON.stringify(large.body));
    assert.equal(savings.status, 202, JSON.stringify(savings.body));
    const ids = new Set([small.id, large.body.id, savings.body.id]);
    assert.equal(ids.size, 3, 'every caller has its own check id');
    assert.equal(large.body.workflowId, small.workflowId, 'the joiners share the running refresh');
    assert.equal(large.body.runId, small.runId);

    // The joiner's own question, not the first caller's.
    assert.equal(large.body.result.status, 'COMPLETED');
    assert.equal(large.body.result.sufficiency.decision, 'INSUFFICIENT');
    assert.deepEqual(large.body.result.sufficiency.requiredAmount, usd(900_000_000));
    const first = await until(small.id, (v) => v.phase === 'DONE');
    assert.equal(first.result.sufficiency.decision, 'SUFFICIENT');
    assert.deepEqual(first.result.sufficiency.requiredAmount, usd(1000));
    assert.deepEqual(first.result.sufficiency.availableAmount, usd(1999));
    const filtered = await until(savings.body.id, (v) => v.phase === 'DONE');
    assert.deepEqual(
      filtered.result.balances.map((b: any) => b.accountId),
      ['ACT-slow-savings'],
    );
    assert.equal(filtered.result.sufficiency, undefined, 'it asked no funding question');
    assert.ok(first.result.balances.length > 1, 'the first caller asked about every account');
    assert.equal(sim.refreshStarts(`${USER}:MBR-slow`), before + 1, 'the provider saw one refresh');
  });

  it('a caller who cancels withdraws only itself; the refresh goes on for the others', async () => {
    const sim = stack.simulators.mx!;
    const before = sim.refreshStarts(`${USER}:MBR-slow`);
    const a = await startCheck(mx('MBR-slow'));
    const b = await startCheck(mx('MBR-slow', { accountIds: ['ACT-slow-checking'] }));
    assert.equal(a.workflowId, b.workflowId);
    const del = await api('DELETE', `/v1/balance-checks/${a.id}`);
    assert.equal(del.status, 202, JSON.stringify(del.body));
    const canceled = await view(a.id);
    assert.equal(canceled.status, 'CANCELED');
    assert.deepEqual(canceled.result.balances, []);
    assert.equal((await api('DELETE', `/v1/balance-checks/${a.id}`)).status, 409, 'already canceled');
    const done = await until(b.id, (v) => v.phase === 'DONE');
    assert.equal(done.status, 'COMPLETED');
    assert.equal(done.result.balances[0].accountId, 'ACT-slow-checking');
    assert.equal((await view(a.id)).status, 'CANCELED', 'the withdrawn caller stays canceled');
    assert.equal(sim.refreshStarts(`${USER}:MBR-slow`), before + 1);

    // The last caller leaving cancels the provider wait (on a new refresh: wait for this one to close,
    // or the next caller could still join it in its last moment).
    await stack.env.client.workflow.getHandle<typeof balanceCheck>(a.workflowId, a.runId).result();
    const c = await startCheck(mx('MBR-slow'));
    assert.notEqual(c.runId, a.runId);
    const last = await api('DELETE', `/v1/balance-checks/${c.id}`);
    assert.equal(last.status, 202, JSON.stringify(last.body));
    const run = await stack.env.client.workflow
      .getHandle<typeof balanceCheck>(c.workflowId, c.runId)
      .result();
    assert.equal(run.status, 'CANCELED');
  });

  it('another tenant never sees, answers, cancels or relays to a check; it gets its own', async () => {
    const mine = await startCheck(mx('MBR-challenge', { timeouts: { mfaSeconds: 60 } }));
    const waiting = await until(mine.id, (v) => v.phase === 'WAITING_FOR_MFA');
    const challengeId = waiting.challenges[0].id;
    const path = `/v1/balance-checks/${mine.id}`;
    const notFound = (res: { status: number; body: any }, what: string) => {
      assert.equal(res.status, 404, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.type, 'https://balance-check.dev/problems/not-found', what);
    };
    notFound(await api('GET', path, undefined, asOther), 'GET');
    notFound(
      await api('POST', `${path}/mfa`, { answers: [{ challengeId, value: 'wrong' }] }, asOther),
      'MFA answer',
    );
    notFound(
      await api(
        'POST',
        `${path}/events`,
        { eventId: 'x', provider: 'mx', kind: 'REFRESH_COMPLETED', occurredAt: new Date().toISOString() },
        asOther,
      ),
      'events',
    );
    notFound(await api('DELETE', path, undefined, asOther), 'DELETE');
    // The same resource from the other tenant: its own check (own workflow), not ours.
    const theirs = await startCheck(mx('MBR-challenge', { timeouts: { mfaSeconds: 60 } }), asOther);
    assert.notEqual(theirs.workflowId, mine.workflowId);
    assert.notEqual(theirs.id, mine.id);
    // A read-only key of our own tenant reads our check; our check is still waiting, untouched.
    const ours = await view(mine.id, asReadOnly);
    assert.equal(ours.phase, 'WAITING_FOR_MFA');
    notFound(
      await api('GET', `/v1/balance-checks/${theirs.id}`, undefined, asReadOnly),
      'cross-tenant read-only',
    );
    const answered = await api('POST', `${path}/mfa`, { answers: [{ challengeId, value: 'correct' }] });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    const done = await until(mine.id, (v) => v.phase === 'DONE');
    assert.equal(done.status, 'COMPLETED');
  });

  it('maxAgeSeconds reuse stays within the owner', async () => {
    const sim = stack.simulators.mx!;
    const mine = await startCheck(mx('MBR-connected'));
    await until(mine.id, (v) => v.phase === 'DONE');
    const again = await api('POST', '/v1/balance-checks', mx('MBR-connected', { maxAgeSeconds: 600 }));
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('x-balance-check-reused'), 'true');
    assert.equal(again.body.id, mine.id);
    const before = sim.refreshStarts(`${USER}:MBR-connected`);
    const theirs = await api(
      'POST',
      '/v1/balance-checks',
      mx('MBR-connected', { maxAgeSeconds: 600 }),
      asOther,
    );
    assert.equal(theirs.status, 202, 'another owner does not reuse our answer');
    assert.equal(theirs.headers.get('x-balance-check-reused'), null);
    started.push(theirs.body.workflowId);
    await waitFor(async () => sim.refreshStarts(`${USER}:MBR-connected`) === before + 1);
  });

  for (const when of ['REFRESHING', 'WAITING_FOR_MFA'] as const) {
    it(`forged completions sent while ${when} cannot finish an MFA-gated check`, async () => {
      const check = await startCheck(mx('MBR-challenge', { timeouts: { mfaSeconds: 60 } }));
      await until(check.id, (v) => v.phase === when);
      const now = Date.now();
      // 1. A relay event with no refresh id (the API needs occurredAt; without one it is a 422).
      const bare = await api(
        'POST',
        `/v1/balance-checks/${check.id}/events`,
        { eventId: `bare-${when}`, provider: 'mx', kind: 'REFRESH_COMPLETED' },
        asRelay,
      );
      assert.equal(bare.status, 422, JSON.stringify(bare.body));
      const relayed = await api(
        'POST',
        `/v1/balance-checks/${check.id}/events`,
        {
          eventId: `relay-${when}`,
          provider: 'mx',
          kind: 'REFRESH_COMPLETED',
          occurredAt: new Date(now).toISOString(),
        },
        asRelay,
      );
      assert.equal(relayed.status, 202, JSON.stringify(relayed.body));
      // 2. An MX BALANCE webhook stamped a year ahead, and one stamped now.
      for (const completedAt of [Math.floor(now / 1000) + 365 * 86_400, Math.floor(now / 1000)]) {
        const res = await mxWebhook({
          action: 'member_data_updated',
          type: 'BALANCE',
          user_guid: USER,
          member_guid: 'MBR-challenge',
          completed_at: completedAt,
          completed_on: new Date(completedAt * 1000).toISOString().slice(0, 10),
        });
        assert.ok(res.status < 300, `webhook answered ${res.status}`);
      }
      // 3. A plaintext signal from the bare Temporal CLI (as an operator — or an intruder — could send).
      const cli = resolveTemporalCli().path;
      assert.ok(cli, 'the Temporal CLI binary (scripts/temporal-cli.ts)');
      await run(cli, [
        'workflow',
        'signal',
        '--address',
        stack.env.address,
        '--workflow-id',
        check.workflowId,
        '--name',
        'providerEvent',
        '--input',
        JSON.stringify({ eventId: `cli-${when}`, provider: 'mx', kind: 'REFRESH_COMPLETED' }),
      ]);
      // Still held for MFA: the provider is waiting for the user, whatever the events said.
      const waiting = await until(check.id, (v) => v.phase === 'WAITING_FOR_MFA' || v.phase === 'DONE');
      assert.equal(waiting.phase, 'WAITING_FOR_MFA', JSON.stringify(waiting));
      await new Promise((r) => setTimeout(r, 1500));
      const still = await view(check.id);
      assert.equal(still.phase, 'WAITING_FOR_MFA', 'no forged event finished it');
      const answered = await api('POST', `/v1/balance-checks/${check.id}/mfa`, {
        answers: [{ challengeId: waiting.challenges[0].id, value: 'correct' }],
      });
      assert.equal(answered.status, 200, JSON.stringify(answered.body));
      const done = await until(check.id, (v) => v.phase === 'DONE');
      assert.equal(done.status, 'COMPLETED');
      assert.equal(done.result.mfaRounds, 1, 'finished only through the MFA step');
      assert.ok(done.result.balances.every((b: any) => b.freshness === 'REALTIME'));
    });
  }
});
