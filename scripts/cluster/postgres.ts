// A private PostgreSQL for the cluster: its own data dir and port, trust auth on 127.0.0.1 only.
// initdb / pg_ctl run as the `postgres` OS user when we are root (PostgreSQL refuses to run as root).
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const DB_USER = 'temporal';

export interface Postgres {
  port: number;
  dataDir: string;
  /** postgres://temporal@127.0.0.1:<port>/<db> */
  url(database: string): string;
  /** Fast shutdown then start again on the same port and data (the "restart PostgreSQL" fault). */
  restart(): void;
  stop(): void;
}

type Log = (line: string) => void;

/** PG_BIN, else the newest /usr/lib/postgresql/<v>/bin, else pg_ctl on PATH. */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN) return env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  if (which.status === 0) return join(which.stdout.trim(), '..');
  throw new Error('PostgreSQL not found: install it (apt-get install -y postgresql) or set PG_BIN');
}

const isRoot = () => process.getuid?.() === 0;

function osUserIds(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Runs a PostgreSQL binary, as `postgres` when we are root; throws with its output on failure. */
function pgRun(bin: string, args: string[]): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0)
    throw new Error(`${bin} ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

/** `dir` is created if needed; as root, its parent must be traversable by the `postgres` user. */
export function startPostgres(opts: { dir: string; port: number; log?: Log }): Postgres {
  const log = opts.log ?? (() => undefined);
  const bin = postgresBinDir();
  const dataDir = join(opts.dir, 'data');
  const socketDir = join(opts.dir, 'socket');
  const logFile = join(opts.dir, 'postgres.log');
  mkdirSync(socketDir, { recursive: true });
  if (isRoot()) {
    const { uid, gid } = osUserIds('postgres');
    chownSync(opts.dir, uid, gid);
    chownSync(socketDir, uid, gid);
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`initdb ${dataDir}`);
    pgRun(join(bin, 'initdb'), [
      '-D',
      dataDir,
      '-U',
      DB_USER,
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
  }
  // Durability settings off: this is a dev/test database (a process kill keeps the OS page cache).
  const serverOpts = [
    `-p ${opts.port}`,
    `-k ${socketDir}`,
    "-c listen_addresses='127.0.0.1'",
    '-c max_connections=400',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  const start = () =>
    pgRun(join(bin, 'pg_ctl'), ['-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', serverOpts, 'start']);
  const stop = (mode: 'fast' | 'immediate') => {
    try {
      pgRun(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    } catch (err) {
      if (!/not running|No such file|PID file/.test((err as Error).message)) throw err;
    }
  };
  // A previous run killed without cleanup may have left it running on another port.
  stop('immediate');
  log(`starting PostgreSQL (${bin}) on 127.0.0.1:${opts.port}`);
  start();
  return {
    port: opts.port,
    dataDir,
    url: (database) => `postgres://${DB_USER}@127.0.0.1:${opts.port}/${database}`,
    restart() {
      stop('fast');
      start();
    },
    stop() {
      stop('fast');
    },
  };
}
