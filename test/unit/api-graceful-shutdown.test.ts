// The API's graceful stop (api/graceful-shutdown.ts): in-flight requests see `draining` and finish,
// nothing new is served (503 on a reused connection, or no connection at all), and the grace
// period bounds a request that never ends.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { describe, it } from 'node:test';
import { listenGracefully, shutdownGraceMsFromEnv } from '../../api/graceful-shutdown';

function get(
  port: number,
  path: string,
  agent: Agent,
): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listenGracefully', () => {
  it('a waiting request answers when draining starts; a request queued behind it is not served; stop resolves unforced', async () => {
    let reached!: () => void;
    const slowReached = new Promise<void>((r) => (reached = r));
    const srv = await listenGracefully(
      (draining) => (req, res) => {
        if (req.url === '/slow') {
          reached();
          draining.addEventListener('abort', () => res.writeHead(202, { location: '/later' }).end('later'));
        } else res.writeHead(200).end('served');
      },
      { port: 0, host: '127.0.0.1', graceMs: 5000 },
    );
    // One keep-alive socket: /fast waits for it, behind /slow.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const slow = get(srv.port, '/slow', agent);
    await slowReached;
    const fast = get(srv.port, '/fast', agent).catch((err: NodeJS.ErrnoException) => ({
      status: -1,
      body: err.code ?? '',
    }));
    const stopped = srv.stop();
    assert.equal(srv.draining.aborted, true);
    // The long-poll's answer closes its connection, so the queued request opens a new one — refused.
    assert.deepEqual(await slow, { status: 202, body: 'later', connection: 'close' });
    assert.deepEqual(await fast, { status: -1, body: 'ECONNREFUSED' });
    assert.deepEqual(await stopped, { forced: false });
    agent.destroy();
    await assert.rejects(get(srv.port, '/fast', new Agent()), /ECONNREFUSED/);
  });

  it('a request that never ends is cut at the grace period', async () => {
    const srv = await listenGracefully(() => () => undefined, { port: 0, host: '127.0.0.1', graceMs: 300 });
    const hanging = get(srv.port, '/hang', new Agent()).catch((err: Error) => err);
    await new Promise((r) => setTimeout(r, 50));
    const t = Date.now();
    assert.deepEqual(await srv.stop(), { forced: true });
    assert.ok(Date.now() - t >= 250, 'waited for the grace');
    assert.ok((await hanging) instanceof Error, 'the hanging request was closed');
  });

  it('API_SHUTDOWN_GRACE_MS: default 10 s, whole milliseconds only', () => {
    assert.equal(shutdownGraceMsFromEnv({}), 10_000);
    assert.equal(shutdownGraceMsFromEnv({ API_SHUTDOWN_GRACE_MS: '2500' }), 2500);
    assert.throws(() => shutdownGraceMsFromEnv({ API_SHUTDOWN_GRACE_MS: '2.5s' }), /API_SHUTDOWN_GRACE_MS/);
  });
});
