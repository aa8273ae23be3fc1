// Outbound callbacks end to end on the real dev server: every scenario's events reach a receiver that
// verifies them with the `standardwebhooks` package, once each after dedupe on webhook-id, each with
// the caller's own check id and answer; a receiver failing 5 times gets the event on the 6th try; 410
// stops; a dead receiver does not slow the check; production refuses private callback hosts (422).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { decodeCheckId } from '../../api/check-id';
import type { CallbackConfig } from '../../callbacks/config';
import { callbackWorkflowId } from '../../contracts/callbacks';
import { MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { SW_CARD, SW_USER_SANDBOX } from '../../providers/spinwheel/sandbox';
import { createApp } from '../../api/app';
import { hashApiKey } from '../../api/auth';
import { createLogger } from '../../observability/logger';
import type { deliverCallback } from '../../workflows/deliver-callback';
import { startTestStack, TEST_API_KEYS, type TestStack } from '../helpers/stack';
import { startTestReceiver, type ReceivedEvent, type TestReceiver } from '../helpers/webhook-receiver';
import { waitFor } from '../helpers/wait';
import { callbackContract } from '../helpers/callback-contract';
import { installWorkerRuntime } from '../../observability/worker-telemetry';
import { freePort } from '../../scripts/dev-server';
import { CALLBACK_DELIVERIES } from '../../contracts/callbacks';

const NEW_SECRET = 'whsec_2xwOc3QmPEPPex6lmRJ8lypJLtKoAqcx';
const OLD_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
/** The secret of a second key of the same owner: only its own receiver can verify its events. */
const SECOND_KEY_SECRET = 'whsec_MGkrVtXFiUK7Osl9CHUox9FcYr1BdPiZ';
const mx = (memberId: string, extra: Record<string, unknown> = {}) => ({
  provider: 'mx',
  resource: { userId: MX_SANDBOX_USER, memberId },
  ...extra,
});
const asOther = { authorization: `Bearer ${TEST_API_KEYS.otherTenant}` };
const asSecondKey = { authorization: `Bearer ${TEST_API_KEYS.sameOwner}` };

describe('outbound callbacks (Standard Webhooks, delivered by Temporal)', () => {
  let stack: TestStack;
  let receiver: TestReceiver;
  let oldReceiver: TestReceiver;
  let secondKeyReceiver: TestReceiver;
  let deadUrl: string;
  let workerMetricsUrl = '';

  before(async () => {
    // Before any connection: the Runtime (and its Prometheus endpoint) is per process.
    const metricsPort = await freePort();
    installWorkerRuntime({ prometheusBindAddress: `127.0.0.1:${metricsPort}`, otel: false });
    workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    receiver = await startTestReceiver(NEW_SECRET);
    oldReceiver = await startTestReceiver(OLD_SECRET);
    secondKeyReceiver = await startTestReceiver(SECOND_KEY_SECRET);
    // A port that was just closed: connections are refused (a receiver that is down).
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => probe.once('listening', r));
    deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((r) => probe.close(r));
    const callbacks: CallbackConfig = {
      keys: {
        'test/test-full': { allow: [`${receiver.url}/`, `${oldReceiver.url}/`, `${deadUrl}/`] },
        // The other tenant names no URL: every check of its key goes to its configured endpoint.
        'other/other-full': { url: `${receiver.url}/other-default`, allow: [] },
        'test/test-second': { allow: [`${secondKeyReceiver.url}/`] },
      },
      // Rotation: two valid secrets, two signatures on every delivery.
      secrets: {
        'test/test-full': [NEW_SECRET, OLD_SECRET],
        'other/other-full': [NEW_SECRET],
        'test/test-second': [SECOND_KEY_SECRET],
      },
      production: false,
      allowPrivateHosts: [],
      retry: { initialMs: 100, maxMs: 400, forMs: 120_000 },
      timeoutMs: 2_000,
    };
    stack = await startTestStack({ providers: ['mx', 'spinwheel'], callbacks });
  });
  after(async () => {
    await stack?.stop();
    await receiver?.close();
    await oldReceiver?.close();
    await secondKeyReceiver?.close();
  });

  async function start(body: unknown, headers?: Record<string, string>) {
    const res = await stack.api('POST', '/v1/balance-checks', body, headers);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return res.body as { id: string; workflowId: string; runId: string };
  }
  async function answerOf(id: string, headers?: Record<string, string>) {
    let body: any;
    await waitFor(async () => {
      body = (await stack.api('GET', `/v1/balance-checks/${id}`, undefined, headers)).body;
      return body.status !== 'RUNNING';
    }, 60_000);
    return body.result;
  }
  const eventsAt = (r: TestReceiver, path: string) => r.events(path);
  const untilEvents = async (r: TestReceiver, path: string, n: number) => {
    await waitFor(() => eventsAt(r, path).length >= n, 60_000);
    return eventsAt(r, path);
  };
  /** The delivery workflow of a caller's event (started when the check has decided that event). */
  const delivery = (checkId: string, suffix = 'final') => {
    const ref = decodeCheckId(checkId)!;
    const eventKey = `${ref.workflowId}:${ref.runId}:${ref.callerId}:${suffix}`;
    return stack.env.client.workflow.getHandle<typeof deliverCallback>(
      callbackWorkflowId({ eventKey } as never),
    );
  };

  it('every scenario: each caller gets each of its events once (after dedupe), signed, with its own check id and answer', async () => {
    const completed = await start(mx('MBR-connected', { callbackUrl: `${receiver.url}/completed` }));
    const mfa = await start(
      mx('MBR-challenge', { callbackUrl: `${receiver.url}/mfa`, timeouts: { mfaSeconds: 60 } }),
    );
    const denied = await start(mx('MBR-denied', { callbackUrl: `${receiver.url}/failed` }));
    const mfaTimeout = await start(
      mx('MBR-options', { callbackUrl: `${receiver.url}/timed-out`, timeouts: { mfaSeconds: 5 } }),
    );
    const canceled = await start(mx('MBR-slow', { callbackUrl: `${receiver.url}/canceled` }));
    const notSupported = await start({
      provider: 'spinwheel',
      resource: { userId: SW_USER_SANDBOX },
      accountIds: [SW_CARD.exhausted],
      callbackUrl: `${receiver.url}/not-supported`,
    });
    const byDefault = await start(mx('MBR-connected'), asOther);
    const rotated = await start(mx('MBR-no-webhook', { callbackUrl: `${oldReceiver.url}/rotation` }));
    assert.equal((await stack.api('DELETE', `/v1/balance-checks/${canceled.id}`)).status, 202);

    // MFA: the event carries the challenge (never an answer) and the deadline; a joiner gets its own.
    const [challenged] = await untilEvents(receiver, '/mfa', 1);
    assert.equal(challenged!.type, 'balance_check.action_required');
    assert.equal(challenged!.data.checkId, mfa.id);
    assert.equal(challenged!.data.answer, null);
    assert.equal(challenged!.data.challenges?.length, 1);
    assert.ok(challenged!.data.challenges![0]!.label);
    assert.ok(Date.parse(challenged!.data.answerBy!) > Date.now());
    const joiner = await start(
      mx('MBR-challenge', {
        callbackUrl: `${receiver.url}/mfa-joiner`,
        accountIds: ['ACT-challenge-checking'],
      }),
    );
    assert.equal(joiner.workflowId, mfa.workflowId, 'the second caller joined the running refresh');
    const [joinerChallenged] = await untilEvents(receiver, '/mfa-joiner', 1);
    assert.equal(joinerChallenged!.data.checkId, joiner.id);
    assert.deepEqual(joinerChallenged!.data.challenges, challenged!.data.challenges);
    const answered = await stack.api('POST', `/v1/balance-checks/${mfa.id}/mfa`, {
      answers: [{ challengeId: challenged!.data.challenges![0]!.id, value: 'correct' }],
    });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));

    const expected: [string, { id: string }, string, Record<string, string>?][] = [
      ['/completed', completed, 'balance_check.completed'],
      ['/mfa', mfa, 'balance_check.completed'],
      ['/mfa-joiner', joiner, 'balance_check.completed'],
      ['/failed', denied, 'balance_check.failed'],
      ['/timed-out', mfaTimeout, 'balance_check.timed_out'],
      ['/canceled', canceled, 'balance_check.canceled'],
      ['/not-supported', notSupported, 'balance_check.not_supported'],
      ['/other-default', byDefault, 'balance_check.completed', asOther],
    ];
    for (const [path, check, type, headers] of expected) {
      const answer = await answerOf(check.id, headers);
      const withMfa = path.startsWith('/mfa') || path === '/timed-out';
      const events = await untilEvents(receiver, path, withMfa ? 2 : 1);
      const last = events.at(-1)!;
      assert.equal(last.type, type, `${path}: ${JSON.stringify(last)}`);
      assert.equal(last.data.checkId, check.id, path);
      assert.deepEqual(last.data.answer, answer, `${path}: the event carries the caller's own answer`);
    }
    const joinerAnswer = eventsAt(receiver, '/mfa-joiner').at(-1)!.data.answer;
    assert.deepEqual(
      joinerAnswer.balances.map((b: { accountId: string }) => b.accountId),
      ['ACT-challenge-checking'],
      "the joiner's event answers the joiner's question",
    );
    const [rotation] = await untilEvents(oldReceiver, '/rotation', 1);
    assert.equal(rotation!.data.checkId, rotated.id);

    // Exactly the expected events, each once after dedupe; every delivery verified, two signatures.
    const seen = receiver.events().map((e: ReceivedEvent) => `${e.path} ${e.type}`);
    assert.deepEqual(seen.sort(), [
      '/canceled balance_check.canceled',
      '/completed balance_check.completed',
      '/failed balance_check.failed',
      '/mfa balance_check.action_required',
      '/mfa balance_check.completed',
      '/mfa-joiner balance_check.action_required',
      '/mfa-joiner balance_check.completed',
      '/not-supported balance_check.not_supported',
      '/other-default balance_check.completed',
      '/timed-out balance_check.action_required',
      '/timed-out balance_check.timed_out',
    ]);
    assert.ok(receiver.deliveries.every((d) => d.verified));
    // The OpenAPI document's `webhooks` describe every payload receivers got.
    const contract = callbackContract();
    for (const e of [...receiver.events(), ...oldReceiver.events()])
      assert.deepEqual(contract(e.body), [], `${e.path} ${e.type}`);
    assert.ok(
      receiver.deliveries.filter((d) => d.path !== '/other-default').every((d) => d.signatures === 2),
      'a key with two secrets signs with both',
    );
    const report = await delivery(completed.id).result();
    assert.deepEqual([report.outcome, report.attempts], ['DELIVERED', 1]);
  });

  it('two API keys of one owner on one refresh: each caller gets its own events once, at its own URL, signed with its key', async () => {
    stack.simulators.mx!.reset();
    const first = await start(
      mx('MBR-challenge', { callbackUrl: `${receiver.url}/first-key`, timeouts: { mfaSeconds: 60 } }),
    );
    const [challenged] = await untilEvents(receiver, '/first-key', 1);
    const second = await start(
      mx('MBR-challenge', {
        callbackUrl: `${secondKeyReceiver.url}/second-key`,
        accountIds: ['ACT-challenge-checking'],
      }),
      asSecondKey,
    );
    assert.equal(second.workflowId, first.workflowId, 'the second key joined the owner’s refresh');
    assert.notEqual(second.id, first.id);
    const [secondChallenged] = await untilEvents(secondKeyReceiver, '/second-key', 1);
    assert.equal(secondChallenged!.type, 'balance_check.action_required');
    assert.equal(secondChallenged!.data.checkId, second.id);
    const answered = await stack.api('POST', `/v1/balance-checks/${first.id}/mfa`, {
      answers: [{ challengeId: challenged!.data.challenges![0]!.id, value: 'correct' }],
    });
    assert.equal(answered.status, 200, JSON.stringify(answered.body));

    const firstAnswer = await answerOf(first.id);
    const secondAnswer = await answerOf(second.id, asSecondKey);
    const firstEvents = await untilEvents(receiver, '/first-key', 2);
    const secondEvents = await untilEvents(secondKeyReceiver, '/second-key', 2);
    // Each delivery workflow has finished: nothing more can arrive.
    for (const id of [first.id, second.id]) {
      assert.equal((await delivery(id, 'action_required.1').result()).outcome, 'DELIVERED');
      assert.equal((await delivery(id).result()).outcome, 'DELIVERED');
    }
    for (const [events, check, answer] of [
      [firstEvents, first, firstAnswer],
      [secondEvents, second, secondAnswer],
    ] as const) {
      assert.deepEqual(
        events.map((e) => [e.type, e.data.checkId]),
        [
          ['balance_check.action_required', check.id],
          ['balance_check.completed', check.id],
        ],
      );
      assert.deepEqual(events[1]!.data.answer, answer, 'the caller’s own answer');
    }
    assert.deepEqual(
      secondAnswer.balances.map((b: { accountId: string }) => b.accountId),
      ['ACT-challenge-checking'],
    );
    assert.ok(firstAnswer.balances.length > 1, 'the first caller asked for every account');
    // Exactly once: one delivery per event (no retries were needed), none to the other caller's URL.
    assert.equal(receiver.deliveries.filter((d) => d.path === '/first-key').length, 2);
    assert.deepEqual(
      secondKeyReceiver.deliveries.map((d) => [d.path, d.verified, d.signatures]),
      [
        ['/second-key', true, 1],
        ['/second-key', true, 1],
      ],
      'signed with the second key’s own secret only',
    );
  });

  it('a receiver that fails 5 times gets the event on the 6th attempt (same webhook-id every time)', async () => {
    receiver.behave('/flaky', { failTimes: 5 });
    stack.simulators.mx!.reset();
    const check = await start(mx('MBR-connected', { callbackUrl: `${receiver.url}/flaky` }));
    const [event] = await untilEvents(receiver, '/flaky', 1);
    assert.equal(event!.data.checkId, check.id);
    const attempts = receiver.deliveries.filter((d) => d.path === '/flaky');
    assert.equal(attempts.length, 6);
    assert.equal(new Set(attempts.map((d) => d.id)).size, 1, 'one webhook-id across retries');
    const report = await delivery(check.id).result();
    assert.deepEqual([report.outcome, report.attempts, report.httpStatus], ['DELIVERED', 6, 200]);
  });

  it('410 Gone stops delivery at once (abandoned)', async () => {
    receiver.behave('/gone', { status: 410 });
    stack.simulators.mx!.reset();
    const check = await start(mx('MBR-connected', { callbackUrl: `${receiver.url}/gone` }));
    await stack.env.client.workflow.getHandle(check.workflowId, check.runId).result();
    const report = await delivery(check.id).result();
    assert.deepEqual([report.outcome, report.attempts, report.httpStatus], ['ABANDONED', 1, 410]);
    assert.equal(receiver.deliveries.filter((d) => d.path === '/gone').length, 1);
  });

  it('a dead receiver does not slow the check (same run, with and without)', async () => {
    const timed = async (body: Record<string, unknown>) => {
      stack.simulators.mx!.reset(); // MX throttles a member after 5 refreshes: every run refreshes
      const t0 = Date.now();
      const check = await start(body);
      const run = await stack.env.client.workflow.getHandle(check.workflowId, check.runId).result();
      const ms = Date.now() - t0;
      assert.equal((run as { status: string }).status, 'COMPLETED', 'a real refresh is measured');
      return { ms, check };
    };
    const without: number[] = [];
    const withDead: number[] = [];
    for (let i = 0; i < 2; i++) {
      without.push((await timed(mx('MBR-connected'))).ms);
      const dead = await timed(mx('MBR-connected', { callbackUrl: `${deadUrl}/hook` }));
      withDead.push(dead.ms);
      // The check is done while its delivery is still retrying.
      const child = delivery(dead.check.id);
      const described = await child.describe();
      assert.equal(described.status.name, 'RUNNING');
      // Operators see what is being delivered where, and how it is going.
      assert.match(
        (await described.staticSummary()) ?? '',
        /balance_check\.completed .*→ http:\/\/127\.0\.0\.1/,
      );
      await waitFor(async () => /Retrying/.test((await metadataOf(child)).currentDetails ?? ''), 10_000);
      await child.terminate('test cleanup');
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(withDead) / median(without);
    console.log(
      `result time without callbacks ${without.join(', ')} ms; with a dead receiver ${withDead.join(', ')} ms; ratio ${ratio.toFixed(2)}`,
    );
    assert.ok(ratio < 2.5, `a dead receiver slowed the check: ratio ${ratio.toFixed(2)}`);
  });

  it('the worker counts deliveries: delivered, retrying, abandoned', async () => {
    const text = await (await fetch(workerMetricsUrl)).text();
    for (const outcome of ['delivered', 'retrying', 'abandoned']) {
      const line = new RegExp(`^${CALLBACK_DELIVERIES.name}\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`, 'm');
      const value = Number(line.exec(text)?.[1] ?? 0);
      assert.ok(value > 0, `${outcome}: ${value}`);
    }
  });

  it('production: callback URLs to metadata or private addresses are refused at request time (422)', async () => {
    const app = createApp({
      client: stack.env.client,
      webhookProviders: {},
      apiKeys: [{ name: 'prod', owner: 'prod', sha256: hashApiKey('prod-key'), scopes: ['read', 'write'] }],
      logger: createLogger({ name: 'api', level: 'silent' }),
      callbacks: {
        keys: {
          'prod/prod': {
            allow: ['http://169.254.169.254/', 'http://10.0.0.1/', 'https://internal.example.com/'],
          },
        },
        secrets: { 'prod/prod': [NEW_SECRET] },
        production: true,
        allowPrivateHosts: [],
        resolve: async (host) => (host === 'internal.example.com' ? ['10.1.2.3'] : []),
      },
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/balance-checks`;
      for (const callbackUrl of [
        'http://169.254.169.254/latest/meta-data',
        'http://10.0.0.1/hook',
        'https://internal.example.com/hook',
      ]) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization: 'Bearer prod-key', 'content-type': 'application/json' },
          body: JSON.stringify(mx('MBR-connected', { callbackUrl })),
        });
        assert.equal(res.status, 422, callbackUrl);
        assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
        const problem = (await res.json()) as { type: string };
        assert.match(problem.type, /callback-url-refused$/, callbackUrl);
      }
      const notListed = await fetch(url, {
        method: 'POST',
        headers: { authorization: 'Bearer prod-key', 'content-type': 'application/json' },
        body: JSON.stringify(mx('MBR-connected', { callbackUrl: 'https://example.org/hook' })),
      });
      assert.equal(notListed.status, 422);
      assert.match(((await notListed.json()) as { type: string }).type, /callback-url-not-allowed$/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

/** The SDK's built-in metadata query: the current details an operator sees in the UI. */
async function metadataOf(handle: { query: (name: string) => Promise<unknown> }) {
  return (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
}
