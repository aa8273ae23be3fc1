// `npm run cluster`: a real multi-process Temporal cluster on a private PostgreSQL — the production
// shape, on this machine. Builds/caches the server + sql tool (scripts/cluster/binaries.ts), starts
// PostgreSQL, sets up the schemas, starts frontend/history/matching/worker as separate processes on
// free ports, registers the namespace and our search attributes, prints the address, and stops
// everything on Ctrl-C. startCluster() is the same thing for tests (TEST_TEMPORAL=cluster).
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { resolveClusterBinaries, type ClusterBinaries } from './cluster/binaries';
import {
  allocatePorts,
  freePort,
  SERVICES,
  writeServerConfigs,
  type ClusterPorts,
  type ServiceName,
} from './cluster/config';
import { probeReady, setupNamespace } from './cluster/namespace';
import { startPostgres, type Postgres } from './cluster/postgres';
import { setupSchemas } from './cluster/schema';
import { killService, spawnService, waitListening, type ServiceProcess } from './cluster/services';

export { SERVICES, type ServiceName } from './cluster/config';

export interface ClusterOptions {
  /** Keep PostgreSQL data here across runs (default: a fresh temp dir, removed by stop()). */
  dir?: string;
  namespace?: string;
  /** Server log level (default warn); logs go to <dir>/logs/<service>.log. */
  logLevel?: string;
  log?: (line: string) => void;
}

export interface Cluster {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  dir: string;
  ports: ClusterPorts;
  postgres: Postgres;
  binaries: ClusterBinaries;
  /** Set-up time of this start, ms (build excluded when cached). */
  startupMs: number;
  /** SIGKILL (or `signal`) one service process and wait for it to exit. */
  killService(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Start a (killed) service again on its ports; resolves once it listens. */
  startService(name: ServiceName): Promise<void>;
  /** Resolves once a workflow can be started (frontend, history shards, namespace all answer). */
  waitReady(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const defaultLog = (line: string) => process.stderr.write(`[cluster] ${line}\n`);

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const log = opts.log ?? defaultLog;
  const started = Date.now();
  const namespace = opts.namespace ?? 'default';
  const binaries = resolveClusterBinaries({ log });
  const temp = !opts.dir;
  const dir = opts.dir ? resolve(opts.dir) : mkdtempSync(join(tmpdir(), 'bc-cluster-'));
  mkdirSync(join(dir, 'logs'), { recursive: true });
  chmodSync(dir, 0o755); // PostgreSQL (another OS user when we are root) must reach <dir>/postgres

  const postgres = startPostgres({ dir: join(dir, 'postgres'), port: await freePort(), log });
  const services = new Map<ServiceName, ServiceProcess>();
  let stopped = false;
  const killAllSync = () => {
    for (const svc of services.values()) if (svc.proc.exitCode === null) svc.proc.kill('SIGKILL');
  };
  const onExit = () => {
    killAllSync();
    if (stopped) return;
    try {
      postgres.stop();
      if (temp) rmSync(dir, { recursive: true, force: true });
    } catch {
      /* exiting anyway */
    }
  };
  process.once('exit', onExit);

  try {
    await setupSchemas(binaries, postgres.port, log);
    const ports = await allocatePorts();
    const configDirs = writeServerConfigs({
      dir,
      moduleDir: binaries.moduleDir,
      ports,
      pgPort: postgres.port,
      logLevel: opts.logLevel ?? 'warn',
    });
    const startService = async (name: ServiceName, attempts = 3): Promise<void> => {
      const svc = spawnService({
        server: binaries.server,
        name,
        configDir: configDirs[name],
        logDir: join(dir, 'logs'),
      });
      services.set(name, svc);
      try {
        // The worker service serves no gRPC of its own: its membership (ringpop) port says it is up.
        await waitListening(svc, name === 'worker' ? ports[name].membership : ports[name].grpc);
      } catch (err) {
        // A service can lose a start-up race on shared rows (cluster metadata); it exits, so try again.
        if (attempts <= 1 || svc.proc.exitCode === null) throw err;
        log(`${name} exited during start-up; starting it again`);
        await startService(name, attempts - 1);
      }
    };
    log(`starting ${SERVICES.join(', ')} (logs: ${join(dir, 'logs')})`);
    // Frontend first, alone: on a new database every service would race to write the cluster metadata.
    await startService('frontend');
    await Promise.all(SERVICES.filter((s) => s !== 'frontend').map((s) => startService(s)));
    const address = `127.0.0.1:${ports.frontend.grpc}`;
    const connection = await Connection.connect({ address });
    try {
      log(`namespace ${namespace} + search attributes`);
      await setupNamespace(connection, namespace);
      await probeReady(connection, namespace);
    } finally {
      await connection.close();
    }
    const waitReady = async (timeoutMs = 90_000) => {
      const conn = await Connection.connect({ address });
      try {
        await probeReady(conn, namespace, timeoutMs);
      } finally {
        await conn.close();
      }
    };
    const startupMs = Date.now() - started;
    log(
      `ready in ${(startupMs / 1000).toFixed(1)} s: TEMPORAL_ADDRESS=${address} TEMPORAL_NAMESPACE=${namespace}`,
    );
    return {
      address,
      namespace,
      dir,
      ports,
      postgres,
      binaries,
      startupMs,
      async killService(name, signal = 'SIGKILL') {
        const svc = services.get(name);
        if (svc) await killService(svc, signal);
      },
      startService,
      waitReady,
      async stop() {
        if (stopped) return;
        // A kept data dir gets a graceful shutdown; a throwaway one (tests) does not need the ~10 s.
        await Promise.all([...services.values()].map((s) => killService(s, temp ? 'SIGKILL' : 'SIGTERM')));
        postgres.stop();
        stopped = true;
        process.removeListener('exit', onExit);
        if (temp) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    onExit();
    stopped = true;
    process.removeListener('exit', onExit);
    throw err;
  }
}

if (require.main === module) {
  const dir = process.env.CLUSTER_DATA_DIR ?? join(__dirname, '..', '.data', 'cluster');
  startCluster({ dir, logLevel: process.env.CLUSTER_LOG_LEVEL }).then(
    (cluster) => {
      console.log(
        [
          `Temporal cluster (server v${'1.29.1'}, PostgreSQL on 127.0.0.1:${cluster.postgres.port}) is up.`,
          `  TEMPORAL_ADDRESS=${cluster.address}`,
          `  TEMPORAL_NAMESPACE=${cluster.namespace}`,
          `  API_STATE_URL=${cluster.postgres.url('balance_check_api')}   (shared API state, optional)`,
          `  Temporal HTTP API: http://127.0.0.1:${cluster.ports.frontend.http}`,
          `  data + logs: ${cluster.dir}`,
          'Ctrl-C stops everything.',
        ].join('\n'),
      );
      // The service processes are unref'd (so tests can exit); this keeps the CLI up until Ctrl-C.
      const keepAlive = setInterval(() => undefined, 60_000);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        clearInterval(keepAlive);
        console.log('stopping the cluster…');
        void cluster.stop().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err: Error) => {
      console.error(`[cluster] ${err.message}`);
      process.exit(1);
    },
  );
}
