// Loaded by path (DataConverter.failureConverterPath) because the failure converter also runs inside
// the workflow sandbox: the worker bundles this file into the workflow code. Keep it deterministic —
// import nothing but @temporalio/common.
import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Moves error messages and stack traces into `Failure.encodedAttributes`, a Payload, so the payload
 * codec encrypts them too (balance-check errors can quote provider responses or account data).
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
