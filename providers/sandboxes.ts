// Every provider's simulator, for the sandbox (`npm start`), scripts, tests and bench — never for the
// worker or the API (ESLint forbids simulator imports there). One line per provider, beside its line
// in providers/registry.ts; the type below fails the build when one is missing.
import { meldSandbox } from './meld/simulator/registration';
import { mxSandbox } from './mx/simulator/registration';
import type { AnyProviderRegistration } from './registration';
import { REGISTRATIONS, type KnownProviderName } from './registry';
import type { ProviderSandbox } from './simulator-registration';
import { spinwheelSandbox } from './spinwheel/simulator/registration';

export const SANDBOXES = {
  mx: mxSandbox,
  meld: meldSandbox,
  spinwheel: spinwheelSandbox,
} satisfies Record<KnownProviderName, ProviderSandbox>;

/** A provider as the sandbox runs it: its production registration and its simulator. */
export interface SandboxedProvider {
  registration: AnyProviderRegistration;
  sandbox: ProviderSandbox;
}

/** The registered providers with their simulators (all, or the named ones in that order). */
export function sandboxedProviders(names?: readonly string[]): SandboxedProvider[] {
  const known = Object.keys(REGISTRATIONS) as KnownProviderName[];
  return (names ?? known).map((name) => {
    if (!(known as readonly string[]).includes(name)) throw new Error(`No provider named ${name}`);
    const n = name as KnownProviderName;
    return { registration: REGISTRATIONS[n], sandbox: SANDBOXES[n] };
  });
}
