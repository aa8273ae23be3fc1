// Which callback a caller's check gets: the URL named in the request (only if the key's allow-list
// has it, and — in production — only if it resolves to a public address), else the key's configured
// endpoint, else none. Refusals are 422 problems at request time, before any workflow starts.
import type { CallbackConfig } from '../../callbacks/config';
import { callbackKeyName } from '../../callbacks/config';
import { assertCallbackHostAllowed, CallbackUrlRefused } from '../../callbacks/ssrf';
import type { CallbackTarget } from '../../contracts/callbacks';
import type { ApiKey } from '../auth';
import { problem } from '../problem';

export type CallbackApiConfig = Pick<
  CallbackConfig,
  'keys' | 'secrets' | 'production' | 'allowPrivateHosts'
> & {
  resolve?: (host: string) => Promise<string[]>;
};

export async function callbackTargetFor(
  config: CallbackApiConfig | undefined,
  apiKey: ApiKey,
  callbackUrl: string | undefined,
): Promise<CallbackTarget | undefined> {
  const key = callbackKeyName(apiKey);
  const keyConfig = config?.keys[key];
  const url = callbackUrl ?? keyConfig?.url;
  if (url === undefined) return undefined;
  if (callbackUrl !== undefined && !keyConfig?.allow.some((prefix) => matchesPrefix(callbackUrl, prefix)))
    throw refused('callback-url-not-allowed', 'callbackUrl is not on this API key’s allow-list', callbackUrl);
  if (!config?.secrets[key]?.length)
    throw refused('callback-not-configured', 'No signing secret is configured for this API key', url);
  try {
    await assertCallbackHostAllowed(url, config);
  } catch (err) {
    if (err instanceof CallbackUrlRefused)
      throw refused('callback-url-refused', 'callbackUrl is refused', err.message);
    throw err;
  }
  return { url, key };
}

/** Same scheme, host and port; the path starts with the prefix's path. */
function matchesPrefix(url: string, prefix: string): boolean {
  const u = new URL(url);
  const p = new URL(prefix);
  return u.origin === p.origin && u.pathname.startsWith(p.pathname) && !u.username && !u.password;
}

function refused(type: string, title: string, detail: string) {
  return problem(422, type, title, detail, { errors: [{ path: 'body.callbackUrl', message: detail }] });
}
