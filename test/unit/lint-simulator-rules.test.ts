// Production never reaches a simulator: ESLint rejects imports of simulators (and of the sandbox that
// starts them) from the API, worker, activities, workflows, contracts and provider adapters, and allows
// them in simulator folders, providers/sandboxes.ts, sandbox/, scripts/ and tests. Lints probe sources
// as if they lived at the given paths.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const probe = 1;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('simulator import lint rule', () => {
  const forbidden: [string, string][] = [
    ['api/app.ts', "import { startMxSimulator } from '../providers/mx/simulator';"],
    ['api/routes/webhooks.ts', "import { mxSandbox } from '../../providers/mx/simulator/registration';"],
    ['worker/main.ts', "import { SANDBOXES } from '../providers/sandboxes';"],
    ['activities/index.ts', "import { listenSimulator } from '../providers/simulator-kit';"],
    ['workflows/balance-check.ts', "import { startMeldSimulator } from '../providers/meld/simulator';"],
    ['contracts/provider.ts', "import type { RunningSimulator } from '../providers/simulator-kit/listen';"],
    ['providers/mx/registration.ts', "import { startMxSimulator } from './simulator';"],
    ['providers/meld/provider.ts', "import { startMeldSimulator } from './simulator/index';"],
    ['providers/registry.ts', "import { mxSandbox } from './mx/simulator/registration';"],
    ['api/main.ts', "import { startSandboxStack } from '../sandbox/stack';"],
  ];
  for (const [file, source] of forbidden) {
    it(`rejects \`${source}\` in ${file}`, async () => {
      const messages = await restrictedImports(source, file);
      assert.equal(
        messages.length,
        1,
        `expected one no-restricted-imports error, got ${JSON.stringify(messages)}`,
      );
      assert.match(messages[0]!, /never loads a simulator/);
    });
  }

  const allowed: [string, string][] = [
    ['providers/mx/simulator/registration.ts', "import { startMxSimulator } from '.';"],
    ['providers/sandboxes.ts', "import { mxSandbox } from './mx/simulator/registration';"],
    ['sandbox/stack.ts', "import { sandboxedProviders } from '../providers/sandboxes';"],
    ['scripts/start.ts', "import { startSandboxStack } from '../sandbox/stack';"],
    ['test/unit/mx-client.test.ts', "import { startMxSimulator } from '../../providers/mx/simulator';"],
    ['bench/run.ts', "import { startSandboxStack } from '../sandbox/stack';"],
    // Sandbox data (fixed ids) is not a simulator.
    ['providers/mx/provider.ts', "import { MX_SANDBOX_USER } from './sandbox';"],
  ];
  for (const [file, source] of allowed) {
    it(`allows \`${source}\` in ${file}`, async () => {
      assert.deepEqual(await restrictedImports(source, file), []);
    });
  }

  it('keeps the workflow determinism ban where both rules apply (workflows/)', async () => {
    assert.equal(
      (await restrictedImports("import { z } from 'zod';", 'workflows/balance-check.ts')).length,
      1,
    );
  });
});
