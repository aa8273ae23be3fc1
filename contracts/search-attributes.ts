// Typed search attributes operators filter checks by in the Temporal UI.
// Registered by the dev server start (scripts/dev-server.ts); on a cluster run, once:
//   temporal operator search-attribute create --namespace <ns> \
//     --name BalanceCheckProvider --type Keyword --name BalanceCheckUser --type Keyword \
//     --name BalanceCheckResource --type Keyword --name BalanceCheckPhase --type Keyword \
//     --name BalanceCheckStatus --type Keyword --name BalanceCheckBatch --type Keyword
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const providerKey = defineSearchAttributeKey('BalanceCheckProvider', SearchAttributeType.KEYWORD);
export const userKey = defineSearchAttributeKey('BalanceCheckUser', SearchAttributeType.KEYWORD);
export const resourceKey = defineSearchAttributeKey('BalanceCheckResource', SearchAttributeType.KEYWORD);
export const phaseKey = defineSearchAttributeKey('BalanceCheckPhase', SearchAttributeType.KEYWORD);
export const outcomeKey = defineSearchAttributeKey('BalanceCheckStatus', SearchAttributeType.KEYWORD);

/** The batch an item check (or batch page) belongs to: `BalanceCheckBatch = "<batch id>"` finds them all. */
export const batchKey = defineSearchAttributeKey('BalanceCheckBatch', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [providerKey, userKey, resourceKey, phaseKey, outcomeKey, batchKey];
