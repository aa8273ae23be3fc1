// The server's config for one run: the module's development-postgres12.yaml with every port rewritten
// to a free one (so a cluster never collides with a dev server or another cluster), PostgreSQL on our
// private port, and our dynamic config. One file per service: each gets its own metrics/pprof port.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DB_USER } from './postgres';

export const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ServicePorts {
  grpc: number;
  membership: number;
  metrics: number;
  /** Frontend only. */
  http?: number;
}
export type ClusterPorts = Record<ServiceName, ServicePorts>;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now (bind :0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A free port below 32768: the server stores membership ports in a PostgreSQL smallint, and the
 * kernel's ephemeral range (what :0 gives) starts above it. Random, so parallel clusters rarely meet.
 */
async function freeServicePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
}

export async function allocatePorts(): Promise<ClusterPorts> {
  const ports = {} as ClusterPorts;
  const taken = new Set<number>();
  const next = async () => {
    for (;;) {
      const p = await freeServicePort();
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  for (const s of SERVICES) {
    ports[s] = { grpc: await next(), membership: await next(), metrics: await next() };
  }
  ports.frontend.http = await next();
  return ports;
}

// Dynamic config: the dev SQL defaults plus what a test cluster needs to be usable at once.
const DYNAMIC_CONFIG = `limit.maxIDLength:
  - value: 255
    constraints: {}
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
    constraints: {}
system.namespaceCacheRefreshInterval:
  - value: 2s
    constraints: {}
frontend.workerVersioningDataAPIs:
  - value: true
frontend.workerVersioningWorkflowAPIs:
  - value: true
frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.enableUpdateWorkflowExecutionAsyncAccepted:
  - value: true
`;

/** Replaces one `key: value` inside a top-level/section block, failing loudly if the yaml changed shape. */
function sub(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new Error(`development-postgres12.yaml: ${pattern} not found`);
  return text.replace(pattern, replacement);
}

export function renderServerConfig(opts: {
  moduleDir: string;
  ports: ClusterPorts;
  pgPort: number;
  service: ServiceName;
  dynamicConfigPath: string;
  logLevel: string;
}): string {
  let yaml = readFileSync(join(opts.moduleDir, 'config', 'development-postgres12.yaml'), 'utf8');
  const { ports } = opts;
  yaml = sub(yaml, /level: info/, `level: ${opts.logLevel}`);
  yaml = yaml.replace(/connectAddr: "127\.0\.0\.1:5432"/g, `connectAddr: "127.0.0.1:${opts.pgPort}"`);
  yaml = yaml.replace(/user: "temporal"/g, `user: "${DB_USER}"`);
  yaml = sub(yaml, /pprof:\n\s+port: \d+/, 'pprof:\n    port: 0');
  yaml = sub(
    yaml,
    /listenAddress: "127\.0\.0\.1:8000"/,
    `listenAddress: "127.0.0.1:${ports[opts.service].metrics}"`,
  );
  for (const s of SERVICES) {
    const block = new RegExp(`(\\n  ${s}:\\n    rpc:\\n)((?:      .*\\n)+)`);
    const match = block.exec(yaml);
    if (!match) throw new Error(`development-postgres12.yaml: services.${s}.rpc not found`);
    let body = match[2]!;
    body = sub(body, /grpcPort: \d+/, `grpcPort: ${ports[s].grpc}`);
    body = sub(body, /membershipPort: \d+/, `membershipPort: ${ports[s].membership}`);
    if (s === 'frontend') body = sub(body, /httpPort: \d+/, `httpPort: ${ports.frontend.http}`);
    yaml = yaml.replace(block, `${match[1]}${body}`);
  }
  yaml = sub(yaml, /rpcAddress: "localhost:7233"/, `rpcAddress: "127.0.0.1:${ports.frontend.grpc}"`);
  yaml = sub(
    yaml,
    /filepath: "config\/dynamicconfig\/development-sql\.yaml"/,
    `filepath: "${opts.dynamicConfigPath}"`,
  );
  return yaml;
}

/** Writes <dir>/config-<service>/development.yaml for each service and the dynamic config; returns the dirs. */
export function writeServerConfigs(opts: {
  dir: string;
  moduleDir: string;
  ports: ClusterPorts;
  pgPort: number;
  logLevel: string;
}): Record<ServiceName, string> {
  const dynamicConfigPath = join(opts.dir, 'dynamicconfig.yaml');
  writeFileSync(dynamicConfigPath, DYNAMIC_CONFIG);
  const dirs = {} as Record<ServiceName, string>;
  for (const service of SERVICES) {
    const configDir = join(opts.dir, `config-${service}`);
    mkdirSync(configDir, { recursive: true });
    writeFileSync(
      join(configDir, 'development.yaml'),
      renderServerConfig({ ...opts, service, dynamicConfigPath }),
    );
    dirs[service] = configDir;
  }
  return dirs;
}
