// Callbacks from the check: one delivery workflow per event and caller, started as an abandoned child
// so the check's own result never waits for a receiver. Checks without callback callers issue no
// command from here (their histories replay unchanged).
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { CallerRecord, CheckStatus } from '../contracts/balance-check';
import {
  callbackWorkflowId,
  type BatchCallbackEvent,
  type CallbackEvent,
  type CallbackEventType,
  type CallbackTarget,
} from '../contracts/callbacks';
import { callerAnswer } from './answers';
import type { CheckState } from './check-state';
import { deliverCallback } from './deliver-callback';

const TERMINAL_EVENT: Record<CheckStatus, CallbackEventType> = {
  COMPLETED: 'balance_check.completed',
  FAILED: 'balance_check.failed',
  TIMED_OUT: 'balance_check.timed_out',
  CANCELED: 'balance_check.canceled',
  NOT_SUPPORTED: 'balance_check.not_supported',
  // The check ended needing the user at the provider (e.g. reconnect): the answer says why.
  ACTION_REQUIRED: 'balance_check.action_required',
};

export class CallbackNotifier {
  /** Event keys already handed to a delivery workflow in this run (one event per caller and key). */
  private readonly sent = new Set<string>();
  private readonly starting: Promise<void>[] = [];

  constructor(private readonly state: CheckState) {}

  /** MFA needed: every active caller with callbacks learns the challenges of this round. */
  actionRequired(only?: CallerRecord): void {
    const { state } = this;
    if (state.phase !== 'WAITING_FOR_MFA') return;
    const round = state.mfaRounds + 1;
    for (const caller of only ? [only] : state.callers) {
      if (caller.withdrawn) continue;
      this.send(caller, `action_required.${round}`, {
        type: 'balance_check.action_required',
        answer: null,
        challenges: state.challenges,
        ...(state.mfaDeadline !== null ? { answerBy: new Date(state.mfaDeadline).toISOString() } : {}),
      });
    }
  }

  /** A caller withdrew: its own check is canceled now, whatever the refresh does next. */
  withdrawn(caller: CallerRecord): void {
    const answer = this.state.view(caller.callerId).result;
    if (answer) this.send(caller, 'final', { type: 'balance_check.canceled', answer });
  }

  /** The refresh ended: every caller with callbacks gets its own answer (once). */
  outcome(): void {
    const shared = this.state.outcome!;
    for (const caller of this.state.callers) {
      const answer = callerAnswer(shared, caller);
      this.send(caller, 'final', { type: TERMINAL_EVENT[answer.status], answer });
    }
  }

  /** Waits until every delivery workflow has started (not delivered): call before the run returns. */
  async started(): Promise<void> {
    while (this.starting.length > 0) await Promise.all(this.starting.splice(0));
  }

  private send(
    caller: CallerRecord,
    suffix: string,
    event: Pick<CallbackEvent, 'type' | 'answer' | 'challenges' | 'answerBy'>,
  ): void {
    if (!caller.callback) return;
    const { workflowId, runId } = wf.workflowInfo();
    const eventKey = `${workflowId}:${runId}:${caller.callerId}:${suffix}`;
    if (this.sent.has(eventKey)) return;
    this.sent.add(eventKey);
    const full: CallbackEvent = {
      ...event,
      eventKey,
      occurredAt: new Date(Date.now()).toISOString(),
      check: { workflowId, runId, callerId: caller.callerId },
    };
    this.starting.push(startDelivery(caller.callback, full));
  }
}

/** Starts the delivery child; it outlives the check or batch (ABANDON) and is not cancelled with it. */
export async function startDelivery(
  target: CallbackTarget,
  event: CallbackEvent | BatchCallbackEvent,
): Promise<void> {
  try {
    await wf.CancellationScope.nonCancellable(() =>
      wf.startChild(deliverCallback, {
        workflowId: callbackWorkflowId(event),
        args: [{ target, event }],
        parentClosePolicy: 'ABANDON',
        staticSummary: `${event.type} for ${'batch' in event ? `batch ${event.batch.batchId}` : `caller ${event.check.callerId}`} → ${target.url}`,
      }),
    );
  } catch (err) {
    // Already started (same event key): the first delivery carries it.
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    throw err;
  }
}

/** Registrations arrive from outside (the API, the CLI): check the shape by hand (no zod here). */
export function isCallbackTarget(value: unknown): value is CallbackTarget {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return (
    typeof t.url === 'string' &&
    /^https?:\/\//.test(t.url) &&
    t.url.length <= 2000 &&
    typeof t.key === 'string' &&
    t.key.length > 0 &&
    t.key.length <= 200
  );
}
