// The workflow bundle's entry point.
export { balanceCheck } from './balance-check';
export { balanceCheckBatch } from './batch';
export { balanceCheckBatchPage } from './batch-page';
export { scheduledBalanceCheckBatch } from './scheduled-batch';
export { deliverCallback } from './deliver-callback';
export { nexusCheck } from './nexus-check';
