// The published contract, checked by an independent tool: schemathesis (property-based OpenAPI testing,
// PyPI) runs every one of its checks — server errors, status codes, content types, response headers and
// schemas, negative data rejected, positive data accepted, unsupported methods → 405 + Allow, auth,
// stateful links — against /openapi.json of a live sandbox stack (real dev server, simulators, worker,
// API). Bounded examples per operation and a fixed seed keep it to well under a minute. The exceptions
// it is told about (test/api/schemathesis.toml) are outcomes that depend on server state, each with why.
// Without schemathesis this test FAILS (it never skips): `npx tsx scripts/schemathesis.ts` installs it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findSchemathesis, SCHEMATHESIS_VERSION } from '../../scripts/schemathesis';
import { startTestStack, TEST_API_KEYS, type TestStack } from '../helpers/stack';

const CONFIG = join(__dirname, 'schemathesis.toml');

function run(cmd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // In a temp dir: schemathesis keeps a cache (.schemathesis/) in its working directory.
    const child = spawn(cmd, args, {
      cwd: tmpdir(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('OpenAPI contract: schemathesis against the live sandbox', () => {
  let stack: TestStack;
  const schemathesis = findSchemathesis();
  before(async () => {
    if (schemathesis) stack = await startTestStack({ timeScale: 0.05 });
  });
  after(async () => {
    await stack?.stop();
  });

  it('every schemathesis check passes: 0 failures', async () => {
    assert.ok(
      schemathesis,
      `schemathesis ${SCHEMATHESIS_VERSION} is not installed: run \`npx tsx scripts/schemathesis.ts\` (needs python3 + PyPI)`,
    );
    const { code, output } = await run(schemathesis, [
      '--config-file',
      CONFIG,
      '--no-color',
      'run',
      `${stack.apiUrl}/openapi.json`,
      '--checks',
      'all',
      // DELETE cancels a check or batch, which stays readable (CANCELED): a read after it answering 200
      // is the contract, not a use-after-free. (Per-operation config does not reach this check.)
      '--exclude-checks',
      'use_after_free',
      '--max-examples',
      '30',
      '--seed',
      '20261129',
      '--request-timeout',
      '45',
      '--header',
      `Authorization: Bearer ${TEST_API_KEYS.full}`,
    ]);
    const summary = output.split('\n').slice(-40).join('\n');
    assert.equal(code, 0, `schemathesis failed:\n${output.slice(-12_000)}`);
    // Not vacuous: every operation was tested, with hundreds of generated cases and no failures.
    // 9 check/operations routes + 11 batch and schedule routes.
    assert.match(output, /Tested: 20\b/, summary);
    const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
    assert.ok(generated >= 300, `only ${generated} generated cases:\n${summary}`);
    assert.doesNotMatch(output, /\d+ failures?\b/, summary);
    const verdict = [...output.matchAll(/^=+ (.+?) =+$/gm)].pop()?.[1];
    console.log(`[schemathesis] ${verdict}; ${generated} cases generated`);
  });
});
