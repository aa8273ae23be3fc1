// One Temporal service (frontend, history, matching or worker) as its own OS process, so a test can
// SIGKILL one and start it again on the same ports while the others keep running.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect } from 'node:net';
import { dirname, basename, join } from 'node:path';
import type { ServiceName } from './config';

export interface ServiceProcess {
  name: ServiceName;
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
  const log = createWriteStream(join(opts.logDir, `${opts.name}.log`), { flags: 'a' });
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
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  proc.stdout!.pipe(log);
  proc.stderr!.pipe(log);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { name: opts.name, proc, exited };
}

/** Resolves once the service listens on its gRPC port; rejects if it exits first. */
export async function waitListening(svc: ServiceProcess, port: number, timeoutMs = 60_000): Promise<void> {
  let exitCode: number | null | undefined;
  void svc.exited.then((c) => (exitCode = c));
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`temporal ${svc.name} exited (${exitCode}) before listening`);
    if (await portOpen(port)) return;
    if (Date.now() > until)
      throw new Error(`temporal ${svc.name} not listening on ${port} in ${timeoutMs} ms`);
    await sleep(150);
  }
}

export async function killService(svc: ServiceProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (svc.proc.exitCode === null && svc.proc.signalCode === null) svc.proc.kill(signal);
  await svc.exited;
}
