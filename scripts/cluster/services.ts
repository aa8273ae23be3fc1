// One Temporal service (frontend, history, matching or worker) as its own OS process, so a test can
// SIGKILL one and start it again on the same ports while the others keep running.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, basename, join } from 'node:path';
import type { ServiceName } from './config';

export interface ServiceProcess {
  name: ServiceName;
  logFile: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function spawnService(opts: {
  server: string;
  name: ServiceName;
  configDir: string;
  logDir: string;
}): ServiceProcess {
  // The log file as the child's own stdout/stderr (no pipes): nothing here keeps the parent's event
  // loop alive, so a test process can exit and its exit hook kill the cluster.
  const logFile = join(opts.logDir, `${opts.name}.log`);
  const logFd = openSync(logFile, 'a');
  const proc = spawn(
    opts.server,
    [
      '--root',
      dirname(opts.configDir),
      '--config',
      basename(opts.configDir),
      '--env',
      'development',
      '--allow-no-auth',
      'start',
      '--service',
      opts.name,
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  proc.unref();
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { name: opts.name, logFile, proc, exited };
}

/** Resolves once the service listens on its gRPC port; rejects if it exits first. */
export async function waitListening(svc: ServiceProcess, port: number, timeoutMs = 60_000): Promise<void> {
  let exitCode: number | null | undefined;
  void svc.exited.then((c) => (exitCode = c));
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`temporal ${svc.name} exited (${exitCode}) before listening:\n${logTail(svc.logFile)}`);
    }
    if (await portOpen(port)) return;
    if (Date.now() > until)
      throw new Error(`temporal ${svc.name} not listening on ${port} in ${timeoutMs} ms`);
    await sleep(150);
  }
}

export async function killService(svc: ServiceProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (svc.proc.exitCode !== null || svc.proc.signalCode !== null) return;
  // Referenced again while we wait for it: an unref'd child's exit would not keep this process alive.
  svc.proc.ref();
  svc.proc.kill(signal);
  const force = setTimeout(() => svc.proc.kill('SIGKILL'), 15_000);
  await svc.exited;
  clearTimeout(force);
}

/** The last error lines of a service log, for a failure message (the temp dir may be gone after). */
function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /"level":"(error|fatal)"|panic|Unable/.test(l));
    return lines
      .slice(-3)
      .map((l) => l.slice(0, 600))
      .join('\n');
  } catch {
    return '(no log)';
  }
}
