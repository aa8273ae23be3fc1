// What the payload codec hands on instead of a payload that arrived unencrypted while plaintext is
// rejected (production): a fixed JSON value, so a signal forged with a bare client (e.g. the CLI's
// `temporal workflow signal --input …`) reaches the workflow as this marker, never as the value it
// claims to be. The codec does not throw there, because a decode error on a signal fails the workflow
// task on every retry: the check would be stuck. Handlers recognise the marker and drop it.
// No imports: the workflow bundle includes this file.

export const REJECTED_PAYLOAD_FIELD = '$rejected';
export const UNENCRYPTED_PAYLOAD_REASON = 'unencrypted-payload';

export interface RejectedPayloadMarker {
  readonly $rejected: typeof UNENCRYPTED_PAYLOAD_REASON;
}

export const UNENCRYPTED_PAYLOAD_MARKER: RejectedPayloadMarker = Object.freeze({
  $rejected: UNENCRYPTED_PAYLOAD_REASON,
});

/** True for the codec's marker (any `$rejected` reason): the value was not sent by a trusted client. */
export function isRejectedPayload(value: unknown): value is RejectedPayloadMarker {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[REJECTED_PAYLOAD_FIELD] === 'string'
  );
}
