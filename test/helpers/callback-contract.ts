// Checks a received callback body against the OpenAPI document's `webhooks` entry for its type (ajv,
// JSON Schema 2020-12): the document must describe exactly what receivers get.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildOpenApiDocument } from '../../api/openapi';

type Webhooks = Record<
  string,
  { post: { requestBody: { content: { 'application/json': { schema: { $ref: string } } } } } }
>;

const DOC_ID = 'https://balance-check.dev/openapi.json';

/** Returns the violations of one event body (empty when the document describes it). */
export function callbackContract(doc = buildOpenApiDocument()): (body: unknown) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
  const webhooks = doc.webhooks as Webhooks;
  return (body) => {
    const type = (body as { type?: unknown })?.type;
    const entry = typeof type === 'string' ? webhooks[type] : undefined;
    if (!entry) return [`event type ${String(type)} is not in the document's webhooks`];
    const ref = entry.post.requestBody.content['application/json'].schema.$ref;
    const validate = ajv.getSchema(`${DOC_ID}${ref}`);
    if (!validate) return [`${ref} is not in the document`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${type}${e.instancePath} ${e.message}`);
  };
}
