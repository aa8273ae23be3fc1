// API keys: configured as SHA-256 hashes (never the keys themselves), each with scopes and an
// optional own rate limit. `Authorization: Bearer <key>`; 401 = who are you, 403 = not allowed.
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { OWNER_PATTERN } from '../contracts/balance-check';
import { problem } from './problem';

export const SCOPES = ['read', 'write', 'events'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKey {
  /** Shown in logs, metrics and the workflow's "requested by" — never the key. */
  name: string;
  /**
   * The tenant the key acts for (a payment service): checks belong to it, and only its keys may read,
   * answer, cancel or relay events to them. `owner/name` in API_KEYS; the name alone otherwise.
   */
  owner: string;
  sha256: string;
  scopes: readonly Scope[];
  /** Requests per minute for this key; the app default when absent. */
  ratePerMinute?: number;
}

export const DEFAULT_SCOPES: readonly Scope[] = ['read', 'write'];

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * API_KEYS="[owner/]name:sha256hex[:scope+scope[:perMinute]],…", e.g.
 * `acme/backend:9f86…08:read+write,acme/relay:2c26…ae:events:6000`. Scopes: read, write, events
 * (default read+write). Keys of one owner share its checks; without `owner/` the name is the owner.
 */
export function parseApiKeys(text: string | undefined): ApiKey[] {
  if (!text?.trim()) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [qualified, sha256, scopeText, rate, ...rest] = entry.split(':');
      const [owner, name, ...more] = (qualified ?? '').includes('/')
        ? (qualified ?? '').split('/')
        : [qualified, qualified];
      if (!owner || !name || more.length > 0 || !OWNER_PATTERN.test(owner) || !/^[\w.-]{1,64}$/.test(name) || rest.length > 0)
        throw new Error(`API_KEYS: bad entry for ${qualified ?? '?'}`);
      if (!sha256 || !/^[0-9a-f]{64}$/i.test(sha256))
        throw new Error(`API_KEYS: ${name} needs a sha256 hex hash`);
      const scopes = scopeText ? scopeText.split('+') : [...DEFAULT_SCOPES];
      const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
      if (unknown.length) throw new Error(`API_KEYS: ${name} has unknown scopes ${unknown.join(', ')}`);
      const ratePerMinute = rate ? Number(rate) : undefined;
      if (ratePerMinute !== undefined && !(Number.isInteger(ratePerMinute) && ratePerMinute > 0)) {
        throw new Error(`API_KEYS: ${name} rate must be a positive integer`);
      }
      return {
        name,
        owner,
        sha256: sha256.toLowerCase(),
        scopes: scopes as Scope[],
        ...(ratePerMinute ? { ratePerMinute } : {}),
      };
    });
}

/** Sets res.locals.apiKey; 401 with WWW-Authenticate when the key is missing or unknown. */
export function authenticate(keys: readonly ApiKey[]): RequestHandler {
  const byHash = new Map(keys.map((k) => [k.sha256, k]));
  return (req, res, next) => {
    // The auth scheme name is case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` are Bearer.
    const match = /^Bearer +([\x21-\x7e]{1,512})$/i.exec(req.get('authorization') ?? '');
    // Hash lookup: comparing digests leaks nothing useful about the key through timing.
    const key = match?.[1] ? byHash.get(hashApiKey(match[1])) : undefined;
    if (!key) {
      const detail = match ? 'The API key is not valid' : 'Send Authorization: Bearer <api key>';
      throw problem(
        401,
        'unauthorized',
        'Missing or invalid API key',
        detail,
        {},
        { 'WWW-Authenticate': 'Bearer realm="balance-check"' },
      );
    }
    res.locals.apiKey = key;
    next();
  };
}

export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => {
    const key = res.locals.apiKey as ApiKey;
    if (!key.scopes.includes(scope))
      throw problem(403, 'forbidden', 'This API key may not do that', `Needs the ${scope} scope`);
    next();
  };
}
