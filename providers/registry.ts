// The providers this service knows. Adding one: a new folder with a registration.ts, plus one line here
// (and its name in contracts/balance-check.ts PROVIDER_NAMES).
import type { ProviderRegistry } from '../activities';
import type { ProviderName } from '../contracts/balance-check';
import type { FetchLike } from './http/request-json';
import { meldRegistration } from './meld/registration';
import { mxRegistration } from './mx/registration';
import type { Env, ProviderRegistration } from './registration';
import { spinwheelRegistration } from './spinwheel/registration';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const REGISTRATIONS: { [K in ProviderName]: ProviderRegistration<any> } = {
  mx: mxRegistration,
  meld: meldRegistration,
  spinwheel: spinwheelRegistration,
};

/** Providers configured in `env` (a provider is on when its base URL is set). */
export function createProviderRegistry(env: Env, fetchImpl: FetchLike = fetch): ProviderRegistry {
  const timeoutMs = Number(env.PROVIDER_TIMEOUT_MS ?? 10_000);
  const registry: ProviderRegistry = {};
  for (const registration of Object.values(REGISTRATIONS)) {
    const config = registration.configFromEnv(env);
    if (config)
      registry[registration.name] = registration.createProvider(config, { fetch: fetchImpl, timeoutMs });
  }
  return registry;
}
