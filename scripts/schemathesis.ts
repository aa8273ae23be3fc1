// Finds (or installs) schemathesis, the property-based OpenAPI tester test/api/schemathesis.test.ts runs
// against the live sandbox. Order: SCHEMATHESIS_PATH → the per-user cache (a Python venv under
// ~/.cache/balance-check/) → `python3 -m venv` + `pip install schemathesis==<pinned>` into the cache.
// Run directly (`npx tsx scripts/schemathesis.ts`, as `npm test` and .ci/run do) it installs and prints the path.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { isExecutable, toolCacheDir } from './tool-cache';

export const SCHEMATHESIS_VERSION = '4.32.5';

export function schemathesisCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return toolCacheDir(`schemathesis-${SCHEMATHESIS_VERSION}`, env);
}

/** The schemathesis executable, or undefined when it is not installed (nothing is installed here). */
export function findSchemathesis(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SCHEMATHESIS_PATH) return isExecutable(env.SCHEMATHESIS_PATH) ? env.SCHEMATHESIS_PATH : undefined;
  const cached = join(schemathesisCacheDir(env), 'bin', 'schemathesis');
  return isExecutable(cached) ? cached : undefined;
}

/** Installs the pinned schemathesis into its cache venv (PyPI through pip) unless it is there. */
export function installSchemathesis(env: NodeJS.ProcessEnv = process.env): string {
  const found = findSchemathesis(env);
  if (found) return found;
  const dir = schemathesisCacheDir(env);
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    if (r.status !== 0) {
      rmSync(dir, { recursive: true, force: true }); // no half-built venv for the next run to trust
      throw new Error(`${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
    }
  };
  process.stderr.write(`[schemathesis] installing ${SCHEMATHESIS_VERSION} into ${dir}\n`);
  run(env.PYTHON ?? 'python3', ['-m', 'venv', dir]);
  run(join(dir, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    `schemathesis==${SCHEMATHESIS_VERSION}`,
  ]);
  return join(dir, 'bin', 'schemathesis');
}

if (require.main === module) {
  try {
    console.log(installSchemathesis());
  } catch (err) {
    console.error(`[schemathesis] ${(err as Error).message}: needs Python ≥ 3.9 with venv, and PyPI`);
    process.exit(1);
  }
}
