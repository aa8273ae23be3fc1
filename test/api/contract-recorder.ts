// Records real API responses and checks each against the generated OpenAPI document (ajv, JSON Schema
// 2020-12): the status must be documented for the operation and the body must match its schema.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

interface Recorded {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}

type Doc = {
  paths: Record<string, Record<string, { responses?: Record<string, ResponseDoc> }>>;
  components: unknown;
};
type ResponseDoc = { content?: Record<string, { schema?: { $ref?: string } }> };

const DOC_ID = 'https://balance-check.dev/openapi.json';

export function createContractRecorder(doc: Doc) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
  const recorded: Recorded[] = [];
  const templates = Object.keys(doc.paths).map((t) => ({
    template: t,
    regex: new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));

  return {
    record(method: string, path: string, status: number, headers: Headers, body: unknown): void {
      recorded.push({
        method: method.toLowerCase(),
        path: path.split('?')[0]!,
        status,
        contentType: headers.get('content-type') ?? '',
        body,
      });
    },
    count: () => recorded.length,
    /** Every recorded response that does not match the document, as readable lines. */
    violations(): string[] {
      const out: string[] = [];
      for (const r of recorded) {
        const where = `${r.method.toUpperCase()} ${r.path} → ${r.status}`;
        const template = templates.find((t) => t.regex.test(r.path))?.template;
        const operation = template ? doc.paths[template]?.[r.method] : undefined;
        if (!operation) continue; // unknown routes (404s) are not part of the contract
        const response = operation.responses?.[String(r.status)];
        if (!response) {
          out.push(`${where}: status not documented`);
          continue;
        }
        if (!response.content) continue; // e.g. 204
        const mediaType = r.contentType.split(';')[0]!.trim();
        const schemaRef = response.content[mediaType]?.schema?.$ref;
        if (!(mediaType in response.content)) {
          out.push(
            `${where}: content type ${mediaType} not documented (${Object.keys(response.content).join(', ')})`,
          );
          continue;
        }
        if (!schemaRef) continue;
        const validate =
          ajv.getSchema(`${DOC_ID}${schemaRef}`) ?? ajv.compile({ $ref: `${DOC_ID}${schemaRef}` });
        if (!validate(r.body)) out.push(`${where}: ${ajv.errorsText(validate.errors)}`);
      }
      return out;
    },
  };
}
