// The engine's ceiling for benchmark case 2 (its own workflowsPath bundle; see bench/throughput.ts).
// Same Temporal shape as a webhook-path check (test/histories/mx-webhook.json): start (with the same
// search attributes, phase REFRESHING) → activity → condition timer → signal → timer canceled +
// activity → one upsert (phase DONE + outcome) → complete. The activities do nothing; the signal comes from the
// bench after the simulated job's duration, so the difference to a real check is our own code
// (provider HTTP, webhook verification in the API, payload sizes), not the engine's work.
import * as wf from '@temporalio/workflow';
import { outcomeKey, phaseKey } from '../contracts/search-attributes';

export interface TrivialActivities {
  /** Resolves at once; the bench signals `trivialEvent` delayMs later (the simulated provider job). */
  trivialStart(delayMs: number): Promise<string>;
  trivialRead(ref: string): Promise<{ accountId: string; amount: string }[]>;
}

export const trivialEventSignal = wf.defineSignal<[{ kind: string }]>('trivialEvent');

const acts = wf.proxyActivities<TrivialActivities>({ startToCloseTimeout: '30 seconds' });

export async function trivialCheck(jobMs: number): Promise<string> {
  let events = 0;
  wf.setHandler(trivialEventSignal, () => void events++);
  const ref = await acts.trivialStart(jobMs);
  const woken = await wf.condition(() => events > 0, '60 seconds');
  const balances = await acts.trivialRead(ref);
  wf.upsertSearchAttributes([
    { key: phaseKey, value: 'DONE' },
    { key: outcomeKey, value: woken ? 'COMPLETED' : 'TIMED_OUT' },
  ]);
  return `${woken ? 'COMPLETED' : 'TIMED_OUT'} ${balances.length}`;
}
