// The workflow bundle's entry point.
export { balanceCheck } from './balance-check';
export { deliverCallback } from './deliver-callback';
export { nexusCheck } from './nexus-check';
