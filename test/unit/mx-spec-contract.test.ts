// Contract test against MX's own OpenAPI file (shared/specs/mx-platform-v20250224.yml): every request
// our MxClient sends must name a spec path + method, send the required headers, only declared query
// parameters and a body valid for the operation's request schema; every answer of the MX simulator
// must be valid for the response schema of that operation and status. Runs real scenarios (plain
// balance check, two MFA rounds, OPTIONS MFA, pending transactions) plus the two read endpoints.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { MX_API_VERSION, MxClient } from '../../providers/mx/client';
import { MX_SANDBOX_USER } from '../../providers/mx/sandbox';
import { startMxSimulator, type RunningMxSimulator } from '../../providers/mx/simulator';
import { memberStatusWaiters } from '../helpers/mx-simulator';

/** MX's file, copied unchanged with its MIT license into test/fixtures/mx so a fresh clone has it. */
const SPEC_PATH = join(__dirname, '../fixtures/mx/mx-platform-v20250224.yml');

interface SpecParameter {
  name: string;
  in: 'query' | 'header' | 'path';
  required?: boolean;
  $ref?: string;
}
interface SpecOperation {
  operationId: string;
  parameters?: SpecParameter[];
  requestBody?: { content?: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface Spec {
  paths: Record<string, Record<string, SpecOperation>>;
  components: { parameters: Record<string, SpecParameter>; schemas: Record<string, unknown> };
}

interface Exchange {
  method: string;
  url: URL;
  headers: Headers;
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
}

const AUTH = { clientId: 'contract-client', apiKey: 'contract-key' };
const U = MX_SANDBOX_USER;

let spec: Spec;
let ajv: Ajv;
let sim: RunningMxSimulator;
const exchanges: Exchange[] = [];

/** Records every request our client sends and every answer the simulator gives. */
const recordingFetch = async (input: string, init?: RequestInit): Promise<Response> => {
  const res = await fetch(input, init);
  const text = await res.clone().text();
  exchanges.push({
    method: (init?.method ?? 'GET').toUpperCase(),
    url: new URL(input),
    headers: new Headers(init?.headers),
    requestBody: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    status: res.status,
    responseBody: text ? JSON.parse(text) : undefined,
  });
  return res;
};

function resolveParam(p: SpecParameter): SpecParameter {
  return p.$ref ? spec.components.parameters[p.$ref.split('/').pop()!]! : p;
}

/** The spec operation a request hits: path template (with {placeholders}) and method. */
function operationFor(method: string, pathname: string): { template: string; op: SpecOperation } | undefined {
  for (const [template, ops] of Object.entries(spec.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    const op = ops[method.toLowerCase()];
    if (op && pattern.test(pathname)) return { template, op };
  }
  return undefined;
}

const validators = new Map<unknown, ValidateFunction>();
function validatorFor(schema: unknown): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    // Refs in the spec point at '#/components/…' of the spec document, registered as 'mx'.
    const ref = (schema as { $ref?: string }).$ref;
    v = ref ? ajv.getSchema(`mx${ref}`)! : ajv.compile(schema as object);
    validators.set(schema, v);
  }
  return v;
}

function checkExchange(x: Exchange): string[] {
  const problems: string[] = [];
  const where = `${x.method} ${x.url.pathname}`;
  const found = operationFor(x.method, x.url.pathname);
  if (!found) return [`${where}: no such path + method in the spec`];
  const { op } = found;
  const params = (op.parameters ?? []).map(resolveParam);
  for (const p of params.filter((p) => p.in === 'header' && p.required)) {
    if (!x.headers.has(p.name))
      problems.push(`${where} (${op.operationId}): required header ${p.name} missing`);
  }
  if (x.headers.get('accept-version') !== MX_API_VERSION)
    problems.push(`${where}: Accept-Version is not ${MX_API_VERSION}`);
  const declaredQuery = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
  for (const name of x.url.searchParams.keys()) {
    if (!declaredQuery.has(name))
      problems.push(`${where} (${op.operationId}): query parameter ${name} is not in the spec`);
  }
  const requestSchema = op.requestBody?.content?.['application/json']?.schema;
  if (x.requestBody !== undefined) {
    if (!requestSchema) problems.push(`${where} (${op.operationId}): sends a body the spec does not take`);
    else {
      const v = validatorFor(requestSchema);
      if (!v(x.requestBody)) problems.push(`${where} request: ${ajv.errorsText(v.errors)}`);
    }
  }
  // PROVIDERS.md: the challenges call answers 204 (no body) when the member is not challenged.
  if (x.status === 204 && op.operationId === 'listMemberChallenges') return problems;
  const response = op.responses[String(x.status)];
  if (!response) return [...problems, `${where} (${op.operationId}): status ${x.status} is not in the spec`];
  const responseSchema = response.content?.['application/json']?.schema;
  if (responseSchema) {
    const v = validatorFor(responseSchema);
    if (!v(x.responseBody)) problems.push(`${where} ${x.status} response: ${ajv.errorsText(v.errors)}`);
  }
  return problems;
}

before(async () => {
  spec = parse(readFileSync(SPEC_PATH, 'utf8')) as Spec;
  // OpenAPI 3.0 schemas: `nullable` is understood by Ajv; `example` & co. are annotations (strict off).
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ components: spec.components }, 'mx');
  sim = await startMxSimulator({ ...AUTH, timeScale: 0.02, throttle: { max: 1000, windowMs: 60_000 } });
});
after(() => sim.close());

void describe('MX client and simulator against the MX spec', () => {
  test('balance check, MFA (two rounds, options), accounts, pending transactions, readMember, readAccountByMember', async () => {
    const client = new MxClient({ baseUrl: sim.url, ...AUTH, fetch: recordingFetch, recordsPerPage: 10 });
    const { settled, until } = memberStatusWaiters(() => client);
    const challenged = (member: string) =>
      until(member, (s) => s.connection_status === 'CHALLENGED' && (s.challenges?.length ?? 0) > 0);

    await client.checkBalance(U, 'MBR-connected');
    await settled('MBR-connected');
    const accounts = await client.listAccounts(U, 'MBR-connected');
    assert.ok(accounts.length > 10, 'more than one page of accounts');
    await client.listPendingTransactions(U, 'MBR-connected');
    assert.deepEqual(await client.listChallenges(U, 'MBR-connected'), [], 'not challenged → 204');

    await client.checkBalance(U, 'MBR-challenge-twice');
    const [first] = (await challenged('MBR-challenge-twice')).challenges ?? [];
    await client.resume(U, 'MBR-challenge-twice', [{ guid: first!.guid!, value: 'challenge' }]);
    await challenged('MBR-challenge-twice');
    const [second] = await client.listChallenges(U, 'MBR-challenge-twice');
    await client.resume(U, 'MBR-challenge-twice', [{ guid: second!.guid!, value: 'correct' }]);
    await settled('MBR-challenge-twice');

    await client.checkBalance(U, 'MBR-options');
    const [options] = (await challenged('MBR-options')).challenges ?? [];
    const right = options!.options!.find((o: { value?: string | null }) => o.value === 'correct')!;
    await client.resume(U, 'MBR-options', [{ guid: options!.guid!, value: right.value! }]);
    await settled('MBR-options');

    // The two read endpoints the guide names, called as the guide does.
    const account = accounts[0]!.guid!;
    await recordingFetch(`${sim.url}/users/${U}/members/MBR-connected`, {
      headers: clientHeaders(),
    });
    await recordingFetch(`${sim.url}/users/${U}/members/MBR-connected/accounts/${account}`, {
      headers: clientHeaders(),
    });

    const operations = new Set(exchanges.map((x) => operationFor(x.method, x.url.pathname)?.op.operationId));
    assert.deepEqual([...operations].sort(), [
      'checkBalances',
      'listMemberAccounts',
      'listMemberChallenges',
      'listTransactionsByMember',
      'readAccountByMember',
      'readMember',
      'readMemberStatus',
      'resumeAggregation',
    ]);
    const problems = exchanges.flatMap(checkExchange);
    assert.deepEqual(problems, [], `${exchanges.length} exchanges checked`);
  });

  test('the checker has teeth: a wrongly typed answer, an undeclared query parameter and a bad resume body are caught', () => {
    const base = `${sim.url}/users/${U}/members/MBR-connected`;
    const headers = clientHeaders();
    const bad: Exchange[] = [
      {
        method: 'GET',
        url: new URL(`${base}/status`),
        headers,
        status: 200,
        responseBody: { member: { guid: 7 } },
      },
      {
        method: 'GET',
        url: new URL(`${base}/accounts?page=1&per=10`),
        headers,
        status: 200,
        responseBody: {},
      },
      {
        method: 'PUT',
        url: new URL(`${base}/resume`),
        headers,
        requestBody: { member: { challenges: 'correct' } },
        status: 202,
        responseBody: { member: {} },
      },
      { method: 'GET', url: new URL(`${base}/nowhere`), headers, status: 200 },
      {
        method: 'GET',
        url: new URL(`${base}/status`),
        headers: new Headers(),
        status: 200,
        responseBody: {},
      },
    ];
    const problems = bad.map(checkExchange);
    assert.match(problems[0]!.join(), /response: .*guid/);
    assert.match(problems[1]!.join(), /query parameter per/);
    assert.match(problems[2]!.join(), /request: .*challenges/);
    assert.match(problems[3]!.join(), /no such path/);
    assert.match(problems[4]!.join(), /required header Accept-Version missing/);
  });
});

function clientHeaders(): Headers {
  return new Headers({
    Authorization: `Basic ${Buffer.from(`${AUTH.clientId}:${AUTH.apiKey}`).toString('base64')}`,
    Accept: 'application/json',
    'Accept-Version': MX_API_VERSION,
  });
}
