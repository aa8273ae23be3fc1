// The published contract, linted by a standard OpenAPI linter: Redocly CLI (npm devDependency, its
// built-in `recommended` rules) over the document the app serves at GET /openapi.json → 0 errors.
// The remaining warnings are listed in the test output (e.g. /healthz has no 4xx to document).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@temporalio/client';
import { createApp } from '../../api/app';
import { createLogger } from '../../observability/logger';

const REDOCLY = require.resolve('@redocly/cli/bin/cli.js');

describe('OpenAPI document: Redocly lint', () => {
  let server: Server;
  let dir = '';
  before(async () => {
    const app = createApp({
      client: {} as Client, // serving the document needs no Temporal
      webhookProviders: {},
      apiKeys: [],
      logger: createLogger({ name: 'api', level: 'silent' }),
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET /openapi.json has 0 errors under Redocly’s recommended rules', async () => {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.json`);
    assert.equal(res.status, 200);
    const file = join(dir, 'openapi.json');
    writeFileSync(file, await res.text());
    const lint = spawnSync(process.execPath, [REDOCLY, 'lint', file, '--format', 'json'], {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      timeout: 120_000,
    });
    const start = lint.stdout.indexOf('{');
    assert.ok(start >= 0, `no JSON report from redocly:\n${lint.stdout}\n${lint.stderr}`);
    const report = JSON.parse(lint.stdout.slice(start)) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
    };
    const lines = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`,
    );
    console.log(
      `[redocly] ${report.totals.errors} errors, ${report.totals.warnings} warnings\n${lines.join('\n')}`,
    );
    assert.equal(report.totals.errors, 0, lines.join('\n'));
    assert.equal(lint.status, 0, lint.stderr);
  });
});
