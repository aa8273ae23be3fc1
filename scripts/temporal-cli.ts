// Finds (or builds) the Temporal CLI that runs the real dev server, with no download at run time.
// Order: TEMPORAL_CLI_PATH → `temporal` on PATH → per-user cache → `go install` into the cache →
// (no Go) the SDK's own download. Run directly (`npm run temporal-cli`) it prints the path.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { goBinary, isExecutable, onPath, toolCacheDir } from './tool-cache';

export const TEMPORAL_CLI_VERSION = '1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';
// The CLI reports this variable as its version; without it `temporal --version` says 0.0.0-DEV.
const VERSION_LDFLAG = `-X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`;

/** Where a resolved CLI came from; `sdk-download` means "let the SDK download it" (needs internet). */
export type CliSource = 'env' | 'path' | 'cache' | 'built' | 'sdk-download';
export interface ResolvedCli {
  source: CliSource;
  /** Absent for sdk-download. */
  path?: string;
}

type Log = (line: string) => void;
const stderrLog: Log = (line) => process.stderr.write(`[temporal-cli] ${line}\n`);

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return toolCacheDir(`temporal-cli-${TEMPORAL_CLI_VERSION}`, env);
}

export function resolveTemporalCli(
  opts: { env?: NodeJS.ProcessEnv; log?: Log; build?: boolean } = {},
): ResolvedCli {
  const env = opts.env ?? process.env;
  const log = opts.log ?? stderrLog;
  if (env.TEMPORAL_CLI_PATH) {
    if (!isExecutable(env.TEMPORAL_CLI_PATH)) {
      throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file`);
    }
    return { source: 'env', path: env.TEMPORAL_CLI_PATH };
  }
  const fromPath = onPath('temporal', env);
  if (fromPath) return { source: 'path', path: fromPath };
  const dir = cacheDir(env);
  const cached = join(dir, 'temporal');
  if (isExecutable(cached)) return { source: 'cache', path: cached };
  if (opts.build === false) return { source: 'sdk-download' };
  const go = goBinary(env);
  if (!go) {
    log(
      `Go is not installed and no Temporal CLI was found (TEMPORAL_CLI_PATH, PATH, ${cached}). ` +
        'Falling back to the Temporal SDK download, which needs internet access.',
    );
    return { source: 'sdk-download' };
  }
  mkdirSync(dir, { recursive: true });
  log(
    `Building Temporal CLI v${TEMPORAL_CLI_VERSION} with ${go} into ${dir} (first build takes a few minutes)…`,
  );
  const started = Date.now();
  const result = spawnSync(
    go,
    ['install', '-ldflags', VERSION_LDFLAG, `${MODULE}@v${TEMPORAL_CLI_VERSION}`],
    {
      env: { ...env, GOBIN: dir, GOFLAGS: env.GOFLAGS ?? '-mod=mod' },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  if (result.status !== 0 || !isExecutable(cached)) {
    throw new Error(
      `go install ${MODULE}@v${TEMPORAL_CLI_VERSION} failed (exit ${result.status}). ` +
        'It needs the Go module proxy (or a warm module cache) and Go ≥ 1.25. ' +
        'Alternatively set TEMPORAL_CLI_PATH to an existing temporal binary.',
    );
  }
  log(`Built in ${Math.round((Date.now() - started) / 1000)} s: ${cached}`);
  return { source: 'built', path: cached };
}

/** The `executable` option for TestWorkflowEnvironment.createLocal / the ephemeral server. */
export function ephemeralExecutable(cli: ResolvedCli) {
  return cli.path
    ? ({ type: 'existing-path', path: cli.path } as const)
    : ({ type: 'cached-download', version: 'default' } as const);
}

if (require.main === module) {
  try {
    const cli = resolveTemporalCli();
    if (cli.path) {
      const version = execFileSync(cli.path, ['--version'], { encoding: 'utf8' }).trim();
      console.log(`${cli.path}\n${version} (source: ${cli.source})`);
    } else {
      console.log('No local Temporal CLI; the SDK will download one at run time (needs internet).');
    }
  } catch (err) {
    console.error(`[temporal-cli] ${(err as Error).message}`);
    process.exit(1);
  }
}
