// The production shape on one machine, for the cluster suite and the cluster faults: the real Temporal
// cluster (scripts/cluster.ts), TWO API processes (api/main.ts) sharing state in PostgreSQL
// (API_STATE_URL), TWO worker processes (worker/main.ts), the provider simulators in this process, and
// a "load balancer" that delivers every provider webhook to EVERY live API replica (a duplicating
// relay), so webhook dedupe across replicas is exercised by every check.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { hashApiKey } from '../../api/auth';
import { codecFromEnv } from '../../codec/from-env';
import type { ProviderName } from '../../contracts/balance-check';
import { sandboxedProviders } from '../../providers/sandboxes';
import type { Env } from '../../providers/registration';
import type { RunningSimulator } from '../../providers/simulator-kit';
import { registerSimulators } from './harness';
import type { Cluster } from '../../scripts/cluster';
import { freePort } from '../../scripts/cluster/config';
import { sharedCluster } from '../helpers/temporal-env';
import { providerEventSignal } from '../../workflows/definitions';
import { RELIABILITY_API_KEY } from './api-driver';
import type { balanceCheck } from '../../workflows';

export const ROOT = join(__dirname, '..', '..');
/** 4 requests per minute: the cross-replica rate-limit test. */
export const LIMITED_API_KEY = 'cluster-limited-key';
export const LIMITED_PER_MINUTE = 4;

const API_KEYS = [
  `reliability:${hashApiKey(RELIABILITY_API_KEY)}:read+write+events:100000`,
  `limited:${hashApiKey(LIMITED_API_KEY)}:read:${LIMITED_PER_MINUTE}`,
].join(',');

export interface Replica {
  id: string;
  kind: 'api' | 'worker';
  proc: ChildProcess;
  /** API replicas: http://127.0.0.1:<port>. */
  url?: string;
  ready: Promise<void>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface ReplicaStack {
  cluster: Cluster;
  client: Client;
  taskQueue: string;
  stateUrl: string;
  apis: Replica[];
  workers: Replica[];
  /** Where the simulators post webhooks (fans out to every live API replica). */
  relayUrl: string;
  simulators: Partial<Record<ProviderName, RunningSimulator>>;
  providerEnv: Env;
  workDir: string;
  /** Webhook deliveries the relay made, by replica answer status. */
  relayed: { deliveries: number; challenged: number; answers: Record<string, number> };
  /** Provider event ids in the check's history signals, in order (decoded with the stack's codec). */
  signaledEventIds(workflowId: string, runId?: string): Promise<string[]>;
  startApi(id: string): Replica;
  startWorker(id: string): Replica;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startReplicaStack(
  opts: { apis?: number; workers?: number; timeScale?: number; log?: (l: string) => void } = {},
): Promise<ReplicaStack> {
  const log = opts.log ?? (() => undefined);
  const cluster = await sharedCluster();
  const workDir = mkdtempSync(join(tmpdir(), 'bc-replicas-'));
  mkdirSync(join(workDir, 'logs'));
  const taskQueue = `replicas-${process.pid}-${Date.now()}`;
  // Its own database per stack: a fresh schema proves migrations run on start-up.
  const stateUrl = cluster.postgres.url(`api_state_${process.pid}_${Date.now()}`);
  const codecKeys = `k1:${randomBytes(32).toString('base64')}`;
  const { codec, dataConverter } = codecFromEnv({ BALANCE_CHECK_CODEC_KEYS: codecKeys, DATA_DIR: workDir });

  const apis: Replica[] = [];
  const workers: Replica[] = [];
  const relayed = { deliveries: 0, challenged: 0, answers: {} as Record<string, number> };
  // The duplicating load balancer: every webhook to every live API replica, at once.
  const relay: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
      ) as Record<string, string>;
      const live = apis.filter((a) => a.proc.exitCode === null && a.proc.signalCode === null);
      const answers = await Promise.all(
        live.map(async (a) => {
          try {
            const r = await fetch(a.url! + req.url, {
              method: req.method,
              headers,
              body,
              signal: AbortSignal.timeout(20_000),
            });
            return { status: r.status, text: await r.text() };
          } catch {
            return { status: 0, text: '' };
          }
        }),
      );
      relayed.deliveries++;
      if (body.includes('"CHALLENGED"')) relayed.challenged++;
      for (const a of answers) relayed.answers[a.status] = (relayed.answers[a.status] ?? 0) + 1;
      const best =
        answers.find((a) => a.status >= 200 && a.status < 300) ?? answers.find((a) => a.status > 0);
      res.writeHead(best?.status ?? 502, { 'content-type': 'application/json' }).end(best?.text ?? '');
    })().catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;

  const simulators: ReplicaStack['simulators'] = {};
  const providerEnv: Env = {};
  for (const { registration, sandbox } of sandboxedProviders()) {
    const name = registration.name;
    const { simulator, env } = await sandbox.start({
      webhookUrl: `${relayUrl}/webhooks/${name}`,
      timeScale: opts.timeScale ?? 0.1,
    });
    simulators[name] = simulator;
    Object.assign(providerEnv, env);
  }
  const unregister = registerSimulators(simulators);

  const baseEnv = {
    ...process.env,
    ...providerEnv,
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: cluster.namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    BALANCE_CHECK_CODEC_KEYS: codecKeys,
    DATA_DIR: workDir,
  } as NodeJS.ProcessEnv;

  const spawnReplica = (kind: Replica['kind'], id: string, env: NodeJS.ProcessEnv, url?: string): Replica => {
    const file = kind === 'api' ? 'api/main.ts' : 'worker/main.ts';
    const out = createWriteStream(join(workDir, 'logs', `${id}.log`));
    const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, file)], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stderr!.pipe(out);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    let seen = '';
    const ready = new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (chunk: Buffer) => {
        out.write(chunk);
        if (seen.length < 100_000) seen += chunk.toString();
        if (seen.includes(kind === 'api' ? '"API listening"' : '"balance-check worker started"')) resolve();
      });
      void exited.then((code) =>
        reject(new Error(`${id} exited (${code}) before ready; see ${join(workDir, 'logs', `${id}.log`)}`)),
      );
    });
    ready.catch(() => undefined);
    return {
      id,
      kind,
      proc,
      url,
      ready,
      exited,
      async kill(signal = 'SIGKILL') {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
        await exited;
      },
    };
  };

  const apiPorts = new Map<string, number>();
  const stack: ReplicaStack = {
    cluster,
    client: undefined as unknown as Client,
    taskQueue,
    stateUrl,
    apis,
    workers,
    relayUrl,
    simulators,
    providerEnv,
    workDir,
    relayed,
    async signaledEventIds(workflowId, runId) {
      const history = await stack.client.workflow
        .getHandle<typeof balanceCheck>(workflowId, runId)
        .fetchHistory();
      const ids: string[] = [];
      for (const e of history.events ?? []) {
        const signal = e.workflowExecutionSignaledEventAttributes;
        if (signal?.signalName !== providerEventSignal.name) continue;
        const [payload] = await codec.decode(signal.input?.payloads ?? []);
        ids.push((defaultPayloadConverter.fromPayload(payload!) as { eventId: string }).eventId);
      }
      return ids;
    },
    startApi(id) {
      // A restarted replica keeps its port (behind a real load balancer it keeps its address).
      const port = apiPorts.get(id)!;
      const replica = spawnReplica(
        'api',
        id,
        {
          ...baseEnv,
          API_PORT: String(port),
          API_HOST: '127.0.0.1',
          API_KEYS,
          API_STATE_URL: stateUrl,
          LOG_LEVEL: 'info',
        },
        `http://127.0.0.1:${port}`,
      );
      const i = apis.findIndex((a) => a.id === id);
      if (i >= 0) apis[i] = replica;
      else apis.push(replica);
      return replica;
    },
    startWorker(id) {
      const replica = spawnReplica('worker', id, {
        ...baseEnv,
        WORKER_METRICS_ADDRESS: 'off',
        WORKER_IDENTITY: id,
        LOG_LEVEL: 'info',
      });
      const i = workers.findIndex((w) => w.id === id);
      if (i >= 0) workers[i] = replica;
      else workers.push(replica);
      return replica;
    },
    async close() {
      await Promise.all([...apis, ...workers].map((r) => r.kill('SIGTERM')));
      await stack.client?.connection.close().catch(() => undefined);
      relay.closeAllConnections();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      unregister();
      await Promise.all(Object.values(simulators).map((s) => s!.close()));
    },
  };
  try {
    for (let i = 0; i < (opts.apis ?? 2); i++) apiPorts.set(`api-${i}`, await freePort());
    for (const id of apiPorts.keys()) stack.startApi(id);
    for (let i = 0; i < (opts.workers ?? 2); i++) stack.startWorker(`worker-${i}`);
    await Promise.all([...apis, ...workers].map((r) => r.ready));
    log(`${apis.length} API + ${workers.length} worker processes ready on ${cluster.address}`);
    const connection = await Connection.connect({ address: cluster.address });
    stack.client = new Client({ connection, namespace: cluster.namespace, dataConverter });
    return stack;
  } catch (err) {
    await stack.close();
    throw err;
  }
}
