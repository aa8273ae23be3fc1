// Finds (or builds) the real Temporal server and its SQL schema tool, cached per user like the CLI
// (scripts/temporal-cli.ts): `go install` into ~/.cache/balance-check/temporal-server-<v>/ once, then
// reused. The server module in the Go module cache also carries the Postgres dev config and schemas.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { goBinary as findGo, isExecutable, toolCacheDir } from '../tool-cache';

export const TEMPORAL_SERVER_VERSION = '1.29.1';
const MODULE = 'go.temporal.io/server';
const PACKAGES = ['cmd/server', 'cmd/tools/sql'];

export interface ClusterBinaries {
  server: string;
  sqlTool: string;
  /** The server module's source dir (config/, schema/). */
  moduleDir: string;
}

type Log = (line: string) => void;

export function serverCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return toolCacheDir(`temporal-server-${TEMPORAL_SERVER_VERSION}`, env);
}

function goBinary(env: NodeJS.ProcessEnv): string {
  const go = findGo(env);
  if (go) return go;
  throw new Error(
    `Go is needed to build the Temporal server v${TEMPORAL_SERVER_VERSION} (or put prebuilt \`server\` and \`sql\` binaries in ${serverCacheDir(env)})`,
  );
}

/** `go mod download -json` gives the module's dir (and fetches it into the module cache when missing). */
function moduleDir(go: string, env: NodeJS.ProcessEnv): string {
  const gomodcache = execFileSync(go, ['env', 'GOMODCACHE'], { encoding: 'utf8', env }).trim();
  const dir = join(gomodcache, `${MODULE}@v${TEMPORAL_SERVER_VERSION}`);
  if (existsSync(join(dir, 'config', 'development-postgres12.yaml'))) return dir;
  const out = execFileSync(go, ['mod', 'download', '-json', `${MODULE}@v${TEMPORAL_SERVER_VERSION}`], {
    encoding: 'utf8',
    env: { ...env, GOFLAGS: env.GOFLAGS ?? '-mod=mod' },
  });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

export function resolveClusterBinaries(opts: { env?: NodeJS.ProcessEnv; log?: Log } = {}): ClusterBinaries {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const dir = serverCacheDir(env);
  const server = join(dir, 'server');
  const sqlTool = join(dir, 'sql');
  const go = goBinary(env);
  if (isExecutable(server) && isExecutable(sqlTool)) {
    log(`server + sql tool v${TEMPORAL_SERVER_VERSION}: cached in ${dir}`);
  } else {
    mkdirSync(dir, { recursive: true });
    log(`building server + sql tool v${TEMPORAL_SERVER_VERSION} with go install into ${dir} (cold: ~4 min)…`);
    const started = Date.now();
    const result = spawnSync(
      go,
      ['install', ...PACKAGES.map((p) => `${MODULE}/${p}@v${TEMPORAL_SERVER_VERSION}`)],
      {
        env: { ...env, GOBIN: dir, GOFLAGS: env.GOFLAGS ?? '-mod=mod' },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    if (result.status !== 0 || !isExecutable(server) || !isExecutable(sqlTool)) {
      throw new Error(
        `go install ${MODULE}/{${PACKAGES.join(',')}}@v${TEMPORAL_SERVER_VERSION} failed (exit ${result.status}); ` +
          'it needs the Go module proxy (or a warm module cache).',
      );
    }
    log(`built in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  const modDir = moduleDir(go, env);
  log(`server module: ${modDir}`);
  return { server, sqlTool, moduleDir: modDir };
}

if (require.main === module) {
  try {
    const bins = resolveClusterBinaries({ log: (l) => process.stderr.write(`[cluster] ${l}\n`) });
    console.log(`${bins.server}\n${bins.sqlTool}`);
  } catch (err) {
    console.error(`[cluster] ${(err as Error).message}`);
    process.exit(1);
  }
}
