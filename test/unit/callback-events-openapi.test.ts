// The callback events in the OpenAPI document (3.1 `webhooks`): one entry per event type with the
// Standard Webhooks headers and its payload schema, and that schema accepts what callbackBody sends
// for each type and refuses a payload of another type's shape (the end-to-end test checks real ones).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callbackBody } from '../../activities/callbacks';
import { buildOpenApiDocument } from '../../api/openapi';
import type { BalanceCheckResult, CheckStatus } from '../../contracts/balance-check';
import { CALLBACK_EVENT_TYPES, type CallbackEvent } from '../../contracts/callbacks';
import { callbackContract } from '../helpers/callback-contract';

const RUN = '01a22605-a142-7ac4-9d38-316555e9e59f';
const CALLER = '62c6d7e2-3620-4ec8-884e-b6c2896b68a5';
const answer = (status: CheckStatus): BalanceCheckResult => ({
  status,
  provider: 'mx',
  resource: { userId: 'USR-1', memberId: 'MBR-1' },
  balances: [],
  startedAt: '2026-11-29T06:00:00.000Z',
  finishedAt: '2026-11-29T06:00:05.000Z',
  polls: 2,
  eventsAccepted: 1,
  mfaRounds: 0,
});
const event = (over: Partial<CallbackEvent>): CallbackEvent => ({
  eventKey: `balance-check:acme:mx:USR-1:MBR-1:${RUN}:${CALLER}:final`,
  type: 'balance_check.completed',
  occurredAt: '2026-11-29T06:00:05.000Z',
  check: { workflowId: 'balance-check:acme:mx:USR-1:MBR-1', runId: RUN, callerId: CALLER },
  answer: answer('COMPLETED'),
  ...over,
});
const challenge = { id: 'CRD-1', type: 'TEXT' as const, label: 'What is your favourite color?' };

describe('callback events in the OpenAPI document', () => {
  const doc = buildOpenApiDocument() as any;
  const violations = callbackContract(doc);

  it('one webhooks entry per event type, signed with the Standard Webhooks headers', () => {
    assert.deepEqual(Object.keys(doc.webhooks), [...CALLBACK_EVENT_TYPES]);
    for (const type of CALLBACK_EVENT_TYPES) {
      const op = doc.webhooks[type].post;
      assert.deepEqual(
        op.parameters.filter((p: any) => p.in === 'header' && p.required).map((p: any) => p.name),
        ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
        type,
      );
      const ref: string = op.requestBody.content['application/json'].schema.$ref;
      const schema = doc.components.schemas[ref.replace('#/components/schemas/', '')];
      assert.equal(schema.properties.type.const, type, `${type}: its payload schema names its type`);
      assert.ok(op.responses['2XX'] && op.responses['410'], `${type}: 2xx delivers, 410 stops`);
    }
  });

  it('accepts what callbackBody sends for every event type', () => {
    const bodies = [
      callbackBody(
        event({
          type: 'balance_check.action_required',
          answer: null,
          challenges: [challenge],
          answerBy: '2026-11-29T06:05:00.000Z',
        }),
      ),
      callbackBody(event({ type: 'balance_check.action_required', answer: answer('ACTION_REQUIRED') })),
      callbackBody(event({ type: 'balance_check.completed', answer: answer('COMPLETED') })),
      callbackBody(event({ type: 'balance_check.failed', answer: answer('FAILED') })),
      callbackBody(event({ type: 'balance_check.timed_out', answer: answer('TIMED_OUT') })),
      callbackBody(event({ type: 'balance_check.canceled', answer: answer('CANCELED') })),
      callbackBody(event({ type: 'balance_check.not_supported', answer: answer('NOT_SUPPORTED') })),
      callbackBody({
        eventKey: 'batch-done',
        type: 'balance_check_batch.completed',
        occurredAt: '2026-11-29T06:10:00.000Z',
        batch: {
          owner: 'test',
          batchId: RUN,
          status: 'COMPLETED',
          totalItems: 2,
          counts: {
            total: 2,
            pending: 0,
            running: 0,
            done: 2,
            byStatus: { COMPLETED: 1, FAILED: 1 },
            byDecision: { SUFFICIENT: 1 },
          },
        },
      }),
    ];
    assert.deepEqual(new Set(bodies.map((b) => b.type)), new Set(CALLBACK_EVENT_TYPES));
    for (const body of bodies) assert.deepEqual(violations(body), [], JSON.stringify(body));
  });

  it('refuses a payload that does not match its type', () => {
    const wrongStatus = callbackBody(event({ type: 'balance_check.completed', answer: answer('FAILED') }));
    assert.notDeepEqual(violations(wrongStatus), []);
    const noChallenges = callbackBody(event({ type: 'balance_check.action_required', answer: null }));
    assert.notDeepEqual(violations(noChallenges), []);
    const unknownType = { ...callbackBody(event({})), type: 'balance_check.started' };
    assert.match(violations(unknownType).join(), /not in the document/);
    const extra = callbackBody(event({}));
    assert.notDeepEqual(violations({ ...extra, data: { ...extra.data, secret: 'x' } }), []);
  });
});
