import type { DataConverter, PayloadCodec } from '@temporalio/common';

/**
 * Path of the module exporting `failureConverter`. In SDK 1.24 `DataConverter` takes the failure
 * converter by path, not by instance, because the workflow bundle must import it as well.
 * `require.resolve` keeps this working from `.ts` sources (tsx) and from compiled `dist/`.
 */
export const failureConverterPath = require.resolve('./failure-converter');

/** Use the same converter in Worker.create, the API's Client and the codec server's process. */
export function createDataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath };
}
