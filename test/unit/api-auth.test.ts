// API keys: the API_KEYS format, Bearer authentication (401) and scopes (403).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { NextFunction, Request, Response } from 'express';
import {
  DEFAULT_SCOPES,
  SCOPES,
  authenticate,
  hashApiKey,
  parseApiKeys,
  requireScope,
  type ApiKey,
} from '../../api/auth';
import { HttpProblem } from '../../api/problem';

const H = (key: string) => hashApiKey(key);
const HASH = H('secret-key');

describe('API_KEYS parsing', () => {
  it('has no keys when unset or blank', () => {
    assert.deepEqual(parseApiKeys(undefined), []);
    assert.deepEqual(parseApiKeys(''), []);
    assert.deepEqual(parseApiKeys(' \n '), []);
  });
  it('reads name:hash as its own owner with the read and write scopes and the default rate', () => {
    assert.deepEqual(DEFAULT_SCOPES, ['read', 'write']);
    assert.deepEqual(SCOPES, ['read', 'write', 'events']);
    assert.deepEqual(parseApiKeys(`backend:${HASH}`), [
      { name: 'backend', owner: 'backend', sha256: HASH, scopes: ['read', 'write'] },
    ]);
  });
  it('reads owner/name, scopes joined by +, a per-minute rate; several entries, spaces and empty ones ignored', () => {
    const keys = parseApiKeys(` acme/backend:${HASH}:read+write , ,acme/relay.1:${H('r')}:events:6000,`);
    assert.deepEqual(keys, [
      { name: 'backend', owner: 'acme', sha256: HASH, scopes: ['read', 'write'] },
      { name: 'relay.1', owner: 'acme', sha256: H('r'), scopes: ['events'], ratePerMinute: 6000 },
    ]);
  });
  it('takes the hash in either case and keeps it in lower case; empty scopes or rate mean the defaults', () => {
    assert.equal(parseApiKeys(`k:${HASH.toUpperCase()}`)[0]?.sha256, HASH);
    assert.deepEqual(parseApiKeys(`k:${HASH}::60`)[0], {
      name: 'k',
      owner: 'k',
      sha256: HASH,
      scopes: ['read', 'write'],
      ratePerMinute: 60,
    });
    assert.deepEqual(parseApiKeys(`k:${HASH}:read:`)[0], {
      name: 'k',
      owner: 'k',
      sha256: HASH,
      scopes: ['read'],
    });
  });
  it('accepts owner and name of up to 64 letters, digits, dot, dash or underscore', () => {
    const long = 'a'.repeat(64);
    assert.equal(parseApiKeys(`${long}/${long}:${HASH}`)[0]?.name, long);
    assert.equal(parseApiKeys(`A.b_c-9:${HASH}`)[0]?.owner, 'A.b_c-9');
  });
  it('refuses a malformed owner/name, naming the entry', () => {
    const long = 'a'.repeat(65);
    for (const qualified of [
      'a/b/c',
      '/b',
      'a/',
      `${long}`,
      `acme/${long}`,
      `${long}/x`,
      'ac me/x',
      'acme/x y',
      'ac+me',
      'x!',
    ]) {
      assert.throws(
        () => parseApiKeys(`${qualified}:${HASH}`),
        { message: `API_KEYS: bad entry for ${qualified}` },
        qualified,
      );
    }
    assert.throws(() => parseApiKeys(`:${HASH}`), { message: 'API_KEYS: bad entry for ' });
    assert.throws(() => parseApiKeys(`k:${HASH}:read:60:extra`), { message: 'API_KEYS: bad entry for k' });
  });
  it('refuses a missing or malformed hash (64 hex digits)', () => {
    for (const hash of ['', HASH.slice(1), `${HASH}0`, `${HASH.slice(1)}g`, ` ${HASH.slice(1)}`]) {
      assert.throws(
        () => parseApiKeys(`acme/k:${hash}`),
        { message: 'API_KEYS: k needs a sha256 hex hash' },
        hash,
      );
    }
    assert.throws(() => parseApiKeys('acme/k'), { message: 'API_KEYS: k needs a sha256 hex hash' });
  });
  it('refuses unknown scopes, listing them', () => {
    assert.throws(() => parseApiKeys(`k:${HASH}:read+admin+root`), {
      message: 'API_KEYS: k has unknown scopes admin, root',
    });
    assert.throws(() => parseApiKeys(`k:${HASH}:Read`), { message: 'API_KEYS: k has unknown scopes Read' });
  });
  it('refuses a rate that is not a positive integer', () => {
    for (const rate of ['0', '-5', '1.5', 'ten', '1e400']) {
      assert.throws(
        () => parseApiKeys(`k:${HASH}:read:${rate}`),
        { message: 'API_KEYS: k rate must be a positive integer' },
        rate,
      );
    }
    assert.equal(parseApiKeys(`k:${HASH}:read:1`)[0]?.ratePerMinute, 1);
  });
});

function fakeExchange(authorization: string | undefined, locals: Record<string, unknown> = {}) {
  const req = { get: (name: string) => (name.toLowerCase() === 'authorization' ? authorization : undefined) };
  const res = { locals };
  let nextCalls = 0;
  const next = (() => nextCalls++) as NextFunction;
  return { req: req as unknown as Request, res: res as unknown as Response, next, calls: () => nextCalls };
}

/** Runs the middleware; the problem it throws, or undefined when it let the request through. */
function run(
  handler: ReturnType<typeof authenticate>,
  ex: ReturnType<typeof fakeExchange>,
): HttpProblem | undefined {
  try {
    void handler(ex.req, ex.res, ex.next);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof HttpProblem, String(err));
    return err;
  }
}

describe('Bearer authentication', () => {
  const key: ApiKey = { name: 'backend', owner: 'acme', sha256: HASH, scopes: ['read'] };
  const long = 'k'.repeat(512);
  const longKey: ApiKey = { name: 'long', owner: 'acme', sha256: H(long), scopes: ['read'] };
  const auth = authenticate([key, longKey]);

  it('lets a known key through, recording which key it is', () => {
    const ex = fakeExchange('Bearer secret-key');
    assert.equal(run(auth, ex), undefined);
    assert.equal(ex.calls(), 1);
    assert.equal(ex.res.locals.apiKey, key);
    const ex512 = fakeExchange(`Bearer ${long}`);
    assert.equal(run(auth, ex512), undefined);
    assert.equal(ex512.res.locals.apiKey, longKey);
  });
  it('answers 401 with WWW-Authenticate, telling a missing header from an unknown key', () => {
    const missing = run(auth, fakeExchange(undefined))!;
    assert.deepEqual(missing.problem, {
      type: 'https://balance-check.dev/problems/unauthorized',
      title: 'Missing or invalid API key',
      status: 401,
      detail: 'Send Authorization: Bearer <api key>',
    });
    assert.deepEqual(missing.headers, { 'WWW-Authenticate': 'Bearer realm="balance-check"' });
    const unknown = run(auth, fakeExchange('Bearer other-key'))!;
    assert.equal(unknown.problem.status, 401);
    assert.equal(unknown.problem.detail, 'The API key is not valid');
    assert.deepEqual(unknown.headers, { 'WWW-Authenticate': 'Bearer realm="balance-check"' });
  });
  it('takes the scheme name in any case and one or more spaces after it (RFC 9110)', () => {
    for (const header of ['bearer secret-key', 'BEARER secret-key', 'Bearer   secret-key']) {
      const ex = fakeExchange(header);
      assert.equal(run(auth, ex), undefined, header);
      assert.equal(ex.res.locals.apiKey, key);
    }
  });
  it('reads only "Bearer <1–512 visible ASCII characters>", nothing around it', () => {
    for (const header of [
      'Basic secret-key',
      'Bearer secret-key ',
      'xBearer secret-key',
      'Bearer secret key',
      'Bearer ',
      `Bearer ${long}k`,
      'Bearer secret-keyé',
      '',
    ]) {
      const ex = fakeExchange(header);
      const p = run(auth, ex);
      assert.equal(p?.problem.detail, 'Send Authorization: Bearer <api key>', JSON.stringify(header));
      assert.equal(ex.calls(), 0);
      assert.equal(ex.res.locals.apiKey, undefined);
    }
  });
  it('has no key at all when none is configured', () => {
    assert.equal(run(authenticate([]), fakeExchange('Bearer secret-key'))?.problem.status, 401);
  });
});

describe('scopes', () => {
  it('lets a key with the scope through and answers 403 naming the scope otherwise', () => {
    const locals = { apiKey: { name: 'k', owner: 'o', sha256: HASH, scopes: ['read', 'events'] } };
    const ok = fakeExchange(undefined, locals);
    assert.equal(run(requireScope('events'), ok), undefined);
    assert.equal(ok.calls(), 1);
    const denied = fakeExchange(undefined, locals);
    const p = run(requireScope('write'), denied)!;
    assert.deepEqual(p.problem, {
      type: 'https://balance-check.dev/problems/forbidden',
      title: 'This API key may not do that',
      status: 403,
      detail: 'Needs the write scope',
    });
    assert.equal(denied.calls(), 0);
  });
});

describe('key hashing', () => {
  it('is the hex SHA-256 of the UTF-8 key', () => {
    assert.equal(hashApiKey('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(
      hashApiKey('é'),
      createHash('sha256')
        .update(Buffer.from([0xc3, 0xa9]))
        .digest('hex'),
    );
  });
});
