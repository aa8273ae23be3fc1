// Stryker's command runner calls this once per mutant (and once, with no mutant, for the dry run), in
// its sandbox of instrumented sources. It runs in this one process only the fast unit tests that
// modules.json maps to the module holding the active mutant; bail-reporter.mjs stops at the first
// failure. Each module's tests are bundled once (esbuild, during the dry run) into one plain CommonJS
// file: loading that costs a third of the CPU of compiling the TypeScript again on every run, and the
// instrumented code inside picks its active mutant from the environment at run time.
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';

const require = createRequire(import.meta.url);
const modules = JSON.parse(readFileSync(new URL('./modules.json', import.meta.url), 'utf8'));
const BUNDLES = path.resolve('.mutation-bundles');

/**
 * The module whose instrumented source holds mutant `id`. Stryker numbers mutants across all files and
 * guards each one with `stryMutAct_9fa48("<id>")`; when the marker is not found (another instrumenter
 * version), undefined makes us run every module's tests: slower, never wrong.
 */
function moduleOf(id) {
  const marker = `stryMutAct_9fa48("${id}")`;
  return Object.keys(modules).find((file) => readFileSync(file, 'utf8').includes(marker));
}

function bundleOf(module) {
  const file = path.join(BUNDLES, `${module.replace(/[/.]/g, '_')}.cjs`);
  if (existsSync(file)) return file;
  const { buildSync } = require('esbuild');
  mkdirSync(BUNDLES, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`; // rename: a concurrent runner never sees half a bundle
  buildSync({
    stdin: {
      contents: modules[module].map((test) => `require(${JSON.stringify(`./${test}`)});`).join('\n'),
      resolveDir: process.cwd(),
      sourcefile: `mutation-tests-of-${module}`,
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: tmp,
    logLevel: 'error',
  });
  renameSync(tmp, file);
  return file;
}

const active = process.env.__STRYKER_ACTIVE_MUTANT__;
const module = active === undefined ? undefined : moduleOf(active);
const chosen = module === undefined ? Object.keys(modules) : [module];
for (const m of chosen.filter((x) => modules[x].length > 0)) require(bundleOf(m));
