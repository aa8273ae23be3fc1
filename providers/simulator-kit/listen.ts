// Serving a simulator app on loopback and closing it without leaving sockets or timers behind.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { RunningSimulator, SimulatorControl } from './control';

/** Starts an Express simulator app on 127.0.0.1 (port 0 = any free port). */
export async function listenSimulator(
  app: Express,
  control: SimulatorControl,
  port = 0,
  onClose: () => void = () => undefined,
): Promise<RunningSimulator> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port: actual } = server.address() as AddressInfo;
  const running = Object.create(control) as RunningSimulator;
  Object.defineProperty(running, 'url', { value: `http://127.0.0.1:${actual}`, enumerable: true });
  running.close = () =>
    new Promise<void>((resolve) => {
      onClose();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return running;
}
