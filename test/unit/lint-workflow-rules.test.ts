// The determinism guard: ESLint rejects Node built-ins, zod and I/O libraries in workflow files
// (and allows them elsewhere). Lints probe sources as if they lived in workflows/.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('workflow lint rules', () => {
  for (const source of [
    "import { readFileSync } from 'fs';",
    "import { readFileSync } from 'node:fs';",
    "import { createHash } from 'node:crypto';",
    "import http from 'http';",
    "import { z } from 'zod';",
    "import express from 'express';",
    "import pino from 'pino';",
    "import { Context } from '@temporalio/activity';",
  ]) {
    it(`rejects \`${source}\` in workflows/`, async () => {
      const messages = await restrictedImports(
        `${source}\nexport const x = 1;\n`,
        'workflows/balance-check.ts',
      );
      assert.equal(
        messages.length,
        1,
        `expected one no-restricted-imports error, got ${JSON.stringify(messages)}`,
      );
    });
  }

  it('allows the workflow SDK and project contracts in workflows/', async () => {
    const messages = await restrictedImports(
      "import { sleep } from '@temporalio/workflow';\nimport type { ProviderName } from '../contracts/balance-check';\nexport const x: ProviderName = 'mx';\nexport const s = sleep;\n",
      'workflows/balance-check.ts',
    );
    assert.deepEqual(messages, []);
  });

  it('allows Node built-ins outside workflow code (activities)', async () => {
    const messages = await restrictedImports(
      "import { createHash } from 'node:crypto';\nexport const h = createHash;\n",
      'activities/index.ts',
    );
    assert.deepEqual(messages, []);
  });
});
