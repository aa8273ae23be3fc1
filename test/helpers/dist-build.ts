// Plays the Dockerfile's stages in temp directories (no container engine here) and runs the compiled
// processes from the result: what `docker build` + `docker run` would do, step for step.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { parseCopy, readDockerfile, runCommand, type DockerStage } from './dockerfile';

const REPO = path.resolve(__dirname, '../..');

export interface PlayedStage {
  name: string;
  /** The stage's WORKDIR (/app) on this machine. */
  dir: string;
  env: Record<string, string>;
  /** Each RUN step with how long it took. */
  runs: { command: string; ms: number; substitute?: string }[];
}

/**
 * Plays every stage into `root/<stage>`. The build stage's `npm ci` (dev dependencies) is replaced by
 * a link to this checkout's node_modules, installed from the same lock file; every other RUN runs
 * as written — the runtime stage's `npm ci --omit=dev` included.
 */
export function playDockerfile(root: string, stages: DockerStage[] = readDockerfile()): PlayedStage[] {
  const played: PlayedStage[] = [];
  for (const stage of stages) {
    const dir = path.join(root, stage.name);
    mkdirSync(dir, { recursive: true });
    const current: PlayedStage = { name: stage.name, dir, env: {}, runs: [] };
    let workdir = '/';
    for (const { op, args } of stage.instructions) {
      if (op === 'WORKDIR') workdir = args;
      else if (op === 'ENV') {
        const [key, ...rest] = args.split(/[=\s]/);
        current.env[key!] = rest.join('=');
      } else if (op === 'COPY') {
        const copy = parseCopy(args);
        const from = copy.from ? played.find((p) => p.name === copy.from) : undefined;
        if (copy.from && !from) throw new Error(`COPY --from=${copy.from}: no such earlier stage`);
        const dest = path.join(dir, copy.dest);
        const intoDir = copy.dest.endsWith('/') || copy.sources.length > 1;
        for (const src of copy.sources) {
          const source = from ? path.join(from.dir, path.relative(workdir, src)) : path.join(REPO, src);
          const target = intoDir ? path.join(dest, path.basename(src)) : dest;
          cpSync(source, target, { recursive: true });
        }
      } else if (op === 'RUN') {
        const command = runCommand(args);
        const t = Date.now();
        if (stage.name === 'build' && command === 'npm ci') {
          symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
          current.runs.push({ command, ms: Date.now() - t, substitute: 'linked node_modules' });
          continue;
        }
        const res = spawnSync('sh', ['-c', command], {
          cwd: dir,
          env: {
            ...process.env,
            ...current.env,
            npm_config_prefer_offline: 'true',
            npm_config_audit: 'false',
            npm_config_fund: 'false',
          },
          encoding: 'utf8',
        });
        if (res.status !== 0)
          throw new Error(`RUN ${command} (stage ${stage.name}) failed:\n${res.stdout}\n${res.stderr}`);
        current.runs.push({ command, ms: Date.now() - t });
      }
    }
    played.push(current);
  }
  return played;
}

export interface DistProcess {
  child: ChildProcess;
  /** ms from spawn to the ready line. */
  startMs: number;
  readyLine: string;
  output(): string;
  /** Resolves with the exit once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/**
 * `node <entry>` in `dir` with only PATH/HOME from this process (no NODE_OPTIONS, so no tsx) plus
 * `env`; resolves once a stdout/stderr line matches `ready`.
 */
export function startDistProcess(
  dir: string,
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<DistProcess> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [entry], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} not ready in ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    let partial = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      const line = lines.find((l) => ready.test(l));
      if (line) {
        clearTimeout(timer);
        resolve({ child, startMs: Date.now() - t0, readyLine: line, output: () => out, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited (${code}) before it was ready:\n${out}`));
    });
  });
}
