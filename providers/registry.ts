// The providers this service knows. Adding one: a new folder with a registration.ts, plus one line here
// (and, for the sandbox and tests, one line in providers/sandboxes.ts). The API's request schema, the
// OpenAPI document and the worker's providers all derive from this list.
import type { ProviderRegistry } from '../activities';
import type { FetchLike } from './http/request-json';
import { meldRegistration } from './meld/registration';
import { mxRegistration } from './mx/registration';
import type { AnyProviderRegistration, Env } from './registration';
import { spinwheelRegistration } from './spinwheel/registration';

export const REGISTRATIONS = {
  mx: mxRegistration,
  meld: meldRegistration,
  spinwheel: spinwheelRegistration,
} satisfies Record<string, AnyProviderRegistration>;

export type KnownProviderName = keyof typeof REGISTRATIONS;
export const PROVIDER_NAMES = Object.keys(REGISTRATIONS) as KnownProviderName[];

/** Providers configured in `env` (a provider is on when its base URL is set). */
export function createProviderRegistry(
  env: Env,
  fetchImpl: FetchLike = fetch,
  registrations: readonly AnyProviderRegistration[] = Object.values(REGISTRATIONS),
): ProviderRegistry {
  const timeoutMs = Number(env.PROVIDER_TIMEOUT_MS ?? 10_000);
  const registry: ProviderRegistry = {};
  for (const registration of registrations) {
    const config = registration.configFromEnv(env);
    if (config)
      registry[registration.name] = registration.createProvider(config, { fetch: fetchImpl, timeoutMs });
  }
  return registry;
}
