// Our API through the typed client (client/: openapi-fetch over types generated from /openapi.json),
// so a change to the contract that the client does not follow fails to compile or fails here: an MFA
// check started, read, answered and finished; a refused body comes back as a typed problem.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createBalanceCheckClient,
  type BalanceCheckClient,
  type CheckView,
  type StartCheckRequest,
} from '../../client';
import { MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { startTestStack, TEST_API_KEYS, type TestStack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

describe('typed client (openapi-fetch + openapi-typescript)', () => {
  let stack: TestStack;
  let api: BalanceCheckClient;

  before(async () => {
    stack = await startTestStack({ providers: ['mx'] });
    api = createBalanceCheckClient({ baseUrl: stack.apiUrl, apiKey: TEST_API_KEYS.full });
  });
  after(async () => {
    await stack?.stop();
  });

  const read = async (id: string): Promise<CheckView> => {
    const { data, error } = await api.GET('/v1/balance-checks/{id}', { params: { path: { id } } });
    assert.ok(data, JSON.stringify(error));
    return data;
  };

  it('starts an MFA check, sees the challenge, answers it and reads the COMPLETED result', async () => {
    const started = await api.POST('/v1/balance-checks', {
      body: { provider: 'mx', resource: { userId: MX_SANDBOX_USER, memberId: 'MBR-challenge' } },
    });
    assert.equal(started.response.status, 202);
    const id = started.data!.id;
    assert.match(started.response.headers.get('location') ?? '', new RegExp(`/v1/balance-checks/${id}$`));
    let view = await read(id);
    await waitFor(async () => (view = await read(id)).phase === 'WAITING_FOR_MFA', 30_000);
    const challenge = view.challenges![0]!;
    const answered = await api.POST('/v1/balance-checks/{id}/mfa', {
      params: { path: { id } },
      body: { answers: [{ challengeId: challenge.id, value: 'correct' }] },
    });
    assert.equal(answered.response.status, 200, JSON.stringify(answered.error));
    await waitFor(async () => (view = await read(id)).status !== 'RUNNING', 30_000);
    assert.equal(view.status, 'COMPLETED');
    assert.equal(view.result?.mfaRounds, 1);
    assert.ok((view.result?.balances.length ?? 0) > 0);
  });

  it('a refused request is a typed problem (422, problem+json)', async () => {
    // The types carry the registry's rules too: MX names a member (typecheck fails if this compiles).
    // @ts-expect-error memberId is required for mx
    const missingMember: StartCheckRequest = { provider: 'mx', resource: { userId: MX_SANDBOX_USER } };
    assert.ok(missingMember);
    // A range the types cannot state reaches the API, which refuses it.
    const { data, error, response } = await api.POST('/v1/balance-checks', {
      body: {
        provider: 'mx',
        resource: { userId: MX_SANDBOX_USER, memberId: 'MBR-ok' },
        maxAgeSeconds: 86_401,
      },
    });
    assert.equal(data, undefined);
    assert.equal(response.status, 422);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.match(error!.type, /validation$/);
    assert.match(JSON.stringify(error), /maxAgeSeconds/);
  });
});
