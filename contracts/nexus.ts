// The Nexus contract: service `balance-check`, operation `check` — the same question as
// POST /v1/balance-checks, answered with the caller's own result. Shared by the handler and callers.
import * as nexus from 'nexus-rpc';
import type {
  BalanceCheckResult,
  CheckQuestion,
  CheckTimeouts,
  ProviderName,
  ResourceRef,
} from './balance-check';

export interface NexusCheckInput extends CheckQuestion {
  provider: ProviderName;
  resource: ResourceRef;
  timeouts?: CheckTimeouts;
}

export const balanceCheckService = nexus.service('balance-check', {
  check: nexus.operation<NexusCheckInput, BalanceCheckResult>(),
});

/** The endpoint name `npm start` and the tests create (targets the worker's namespace and task queue). */
export const NEXUS_ENDPOINT = 'balance-check';
/** The caller namespace `npm start` creates for trying the operation (a payment service's namespace). */
export const NEXUS_CALLER_NAMESPACE = 'payments';
