// Stryker over the pure core (see README "Mutation testing"). `npm run mutation` (scripts/mutation/run.ts)
// runs it; modules.json says which modules are mutated and which fast unit tests cover each one.
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';

const modules = JSON.parse(readFileSync(new URL('./modules.json', import.meta.url), 'utf8'));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: Object.keys(modules),
  // Stryker 10 needs Node 22; 9.x's command runner over node's test runner works on Node 20.
  testRunner: 'command',
  commandRunner: {
    command: 'node --test-reporter=./scripts/mutation/bail-reporter.mjs scripts/mutation/run-tests.mjs',
  },
  concurrency: 2,
  // Reuses earlier results; run.ts first forgets a module whose tests (or anything they load) changed,
  // since the command runner cannot tell Stryker which tests changed.
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  thresholds: { high: 95, low: 90, break: 90 },
  // Only what the unit tests load goes into the sandbox.
  ignorePatterns: ['/reports', '/dist', '/.data', '/test-artifacts', '/test/histories', '/docs', '/bench'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  timeoutMS: 5000,
};
