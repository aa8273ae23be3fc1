// The typed client cannot drift from the API: client/schema.ts must be exactly what
// openapi-typescript generates from today's OpenAPI document (run `npm run client:generate`).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { generateClientSchema, SCHEMA_PATH } from '../../client/generate';

it('client/schema.ts matches the OpenAPI document (npm run client:generate)', async () => {
  const committed = readFileSync(SCHEMA_PATH, 'utf8');
  assert.ok(
    committed === (await generateClientSchema()),
    'client/schema.ts is stale: run npm run client:generate',
  );
  assert.match(committed, /callbackUrl\?: string/);
});
