// `npm run mutation`: Stryker over the pure core (stryker.config.mjs), then the score per module and
// overall from its JSON report, failing when any module or the total is under the floor.
//
// Incremental: Stryker reuses the previous results (reports/mutation/incremental.json) of mutants whose
// code did not change. The command runner cannot tell Stryker which tests ran, so Stryker would also
// reuse them after the tests changed; this script therefore first forgets every module whose closure
// (its tests and everything they load, the module included, plus this tooling and the lockfile)
// changed since its last run. Extra arguments go to Stryker (e.g. `npm run mutation -- --force`).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const REPORTS = path.join(ROOT, 'reports/mutation');
const INCREMENTAL = path.join(REPORTS, 'incremental.json');
const CLOSURES = path.join(REPORTS, 'closures.json');
const JSON_REPORT = path.join(REPORTS, 'mutation.json');
const FLOOR = 90;

const modules = JSON.parse(readFileSync(path.join(__dirname, 'modules.json'), 'utf8')) as Record<
  string,
  string[]
>;
const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

/** Local files `file` loads, transitively (relative imports only; node_modules are covered by the lockfile). */
function localClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const m of source.matchAll(/(?:from|import|require)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const base = path.resolve(path.dirname(file), m[1]!);
    const found = [base, `${base}.ts`, path.join(base, 'index.ts')].find(
      (c) => existsSync(c) && statSync(c).isFile(),
    );
    if (found) localClosure(found, seen);
  }
  return seen;
}

function closureHash(module: string): string {
  const tooling = ['stryker.config.mjs', 'run-tests.mjs', 'bail-reporter.mjs'].map((f) =>
    path.join(__dirname, f),
  );
  const files = new Set([path.join(ROOT, 'package-lock.json'), ...tooling]);
  for (const entry of [module, ...modules[module]!]) localClosure(path.join(ROOT, entry), files);
  const hash = createHash('sha256').update(JSON.stringify(modules[module]));
  for (const file of [...files].sort()) hash.update(rel(file)).update('\0').update(readFileSync(file));
  return hash.digest('hex');
}

/** Drops from the incremental report every module whose closure changed since it was last measured. */
function forgetChangedModules(current: Record<string, string>): void {
  if (!existsSync(INCREMENTAL)) return;
  const previous = existsSync(CLOSURES)
    ? (JSON.parse(readFileSync(CLOSURES, 'utf8')) as Record<string, string>)
    : {};
  const report = JSON.parse(readFileSync(INCREMENTAL, 'utf8')) as { files: Record<string, unknown> };
  const forgotten = Object.keys(report.files).filter((file) => previous[file] !== current[file]);
  for (const file of forgotten) delete report.files[file];
  writeFileSync(INCREMENTAL, JSON.stringify(report));
  const kept = Object.keys(report.files).length;
  console.log(
    `mutation: reusing earlier results for ${kept} module(s); re-testing ${forgotten.length} changed one(s)`,
  );
}

interface ReportMutant {
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}

/** Score as Stryker computes it: detected (killed, timed out) over valid (detected, survived, uncovered). */
function summarize(): boolean {
  const report = JSON.parse(readFileSync(JSON_REPORT, 'utf8')) as {
    files: Record<string, { mutants: ReportMutant[] }>;
  };
  let detected = 0;
  let valid = 0;
  let ok = true;
  const survivors: string[] = [];
  console.log('\nmutation score per module (floor %d %%)', FLOOR);
  for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    const d = mutants.filter((m) => m.status === 'Killed' || m.status === 'Timeout').length;
    const v = d + mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').length;
    const score = v === 0 ? 100 : (100 * d) / v;
    if (score < FLOOR) ok = false;
    detected += d;
    valid += v;
    console.log(
      `  ${score.toFixed(1).padStart(5)} %  ${`${d}/${v}`.padStart(9)}  ${file}${score < FLOOR ? '  << under the floor' : ''}`,
    );
    for (const m of mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
      const at = `${file}:${m.location.start.line}:${m.location.start.column}`;
      survivors.push(`  ${at} ${m.mutatorName} → ${JSON.stringify(m.replacement ?? '').slice(0, 100)}`);
    }
  }
  const total = valid === 0 ? 100 : (100 * detected) / valid;
  if (total < FLOOR) ok = false;
  console.log(`  ${total.toFixed(1).padStart(5)} %  ${`${detected}/${valid}`.padStart(9)}  overall`);
  if (survivors.length > 0) {
    console.log(`\nsurvivors (killed by no test; scripts/mutation/EQUIVALENT.md lists the equivalent ones):`);
    console.log(survivors.join('\n'));
  }
  console.log(`\nHTML report: ${rel(path.join(REPORTS, 'index.html'))}`);
  return ok;
}

function main(): number {
  mkdirSync(REPORTS, { recursive: true });
  const closures = Object.fromEntries(Object.keys(modules).map((m) => [m, closureHash(m)]));
  forgetChangedModules(closures);
  rmSync(JSON_REPORT, { force: true });
  const stryker = spawnSync(
    path.join(ROOT, 'node_modules/.bin/stryker'),
    ['run', 'scripts/mutation/stryker.config.mjs', ...process.argv.slice(2)],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (!existsSync(JSON_REPORT) || (stryker.status !== 0 && stryker.status !== 1)) {
    console.error(`mutation: Stryker failed (exit ${stryker.status ?? stryker.signal})`);
    return 1;
  }
  writeFileSync(CLOSURES, JSON.stringify(closures, null, 2));
  return summarize() ? 0 : 1;
}

process.exitCode = main();
