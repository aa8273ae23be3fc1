// How an activity that failed for good becomes the check's reason (and whether the check timed out).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  RetryState,
  TimeoutFailure,
  TimeoutType,
} from '@temporalio/common';
import { ProviderErrorType } from '../../contracts/provider-errors';
import { reasonFromActivityFailure } from '../../workflows/outcome';

const failed = (cause: Error | undefined, retryState: RetryState = RetryState.NON_RETRYABLE_FAILURE) =>
  new ActivityFailure('Activity task failed', 'readBalances', '7', retryState, 'worker@host', cause);

describe('reason of an activity failure', () => {
  it('is undefined for anything that is not an activity failure', () => {
    assert.equal(reasonFromActivityFailure(new Error('boom')), undefined);
    assert.equal(
      reasonFromActivityFailure(ApplicationFailure.nonRetryable('x', 'ProviderAuthError')),
      undefined,
    );
    assert.equal(reasonFromActivityFailure(undefined), undefined);
  });

  it("maps a provider failure type to its stable reason code, keeping the provider's message", () => {
    const out = reasonFromActivityFailure(
      failed(ApplicationFailure.nonRetryable('401 from MX', ProviderErrorType.Auth)),
    );
    assert.deepEqual(out, {
      reason: { code: 'PROVIDER_AUTH_FAILED', message: '401 from MX' },
      timedOut: false,
    });
  });

  it('keeps an unknown failure type as the code, and ACTIVITY_FAILED when there is no type', () => {
    assert.deepEqual(
      reasonFromActivityFailure(failed(ApplicationFailure.nonRetryable('odd', 'SomethingElse')))?.reason,
      {
        code: 'SomethingElse',
        message: 'odd',
      },
    );
    assert.deepEqual(
      reasonFromActivityFailure(failed(ApplicationFailure.create({ message: 'untyped' })))?.reason,
      {
        code: 'ACTIVITY_FAILED',
        message: 'untyped',
      },
    );
  });

  it("passes on when to retry from the failure's first detail, and only when given", () => {
    const throttled = ApplicationFailure.nonRetryable('slow down', ProviderErrorType.Throttled, {
      retryAt: '2026-11-21T10:05:00Z',
    });
    assert.deepEqual(reasonFromActivityFailure(failed(throttled))?.reason, {
      code: 'PROVIDER_THROTTLED',
      message: 'slow down',
      retryAt: '2026-11-21T10:05:00Z',
    });
    const noDetail = ApplicationFailure.nonRetryable('slow down', ProviderErrorType.Throttled, {
      retryAt: '',
    });
    assert.equal('retryAt' in reasonFromActivityFailure(failed(noDetail))!.reason, false);
    const noDetails = ApplicationFailure.nonRetryable('slow down', ProviderErrorType.Throttled);
    assert.equal('retryAt' in reasonFromActivityFailure(failed(noDetails))!.reason, false);
  });

  it("counts as timed out only a retryable failure whose retries the check's deadline stopped", () => {
    const retryable = ApplicationFailure.retryable('503', ProviderErrorType.Retryable);
    assert.deepEqual(reasonFromActivityFailure(failed(retryable, RetryState.TIMEOUT)), {
      reason: { code: 'PROVIDER_UNAVAILABLE', message: '503' },
      timedOut: true,
    });
    assert.equal(
      reasonFromActivityFailure(failed(retryable, RetryState.MAXIMUM_ATTEMPTS_REACHED))?.timedOut,
      false,
    );
    const denied = ApplicationFailure.nonRetryable('403', ProviderErrorType.Auth);
    assert.equal(reasonFromActivityFailure(failed(denied, RetryState.TIMEOUT))?.timedOut, false);
  });

  it('reads an activity timeout as the provider being unavailable before the deadline', () => {
    const out = reasonFromActivityFailure(
      failed(new TimeoutFailure('timed out', undefined, TimeoutType.SCHEDULE_TO_CLOSE), RetryState.TIMEOUT),
    );
    assert.deepEqual(out, {
      reason: {
        code: 'PROVIDER_UNAVAILABLE',
        message: "readBalances did not succeed before the check's deadline",
      },
      timedOut: true,
    });
  });

  it("falls back to ACTIVITY_FAILED with the cause's message, or the failure's own without a cause", () => {
    assert.deepEqual(
      reasonFromActivityFailure(failed(new CancelledFailure('canceled'), RetryState.TIMEOUT)),
      {
        reason: { code: 'ACTIVITY_FAILED', message: 'canceled' },
        timedOut: false,
      },
    );
    assert.deepEqual(reasonFromActivityFailure(failed(undefined))?.reason, {
      code: 'ACTIVITY_FAILED',
      message: 'Activity task failed',
    });
  });
});
