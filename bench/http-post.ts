// A lean HTTP/1.1 client for the bench's API calls: node:http with a keep-alive agent. Node's fetch
// (undici + web streams) spent ~2 ms of CPU per request in this process (CPU profile of 900 API
// calls), which P5 would otherwise count as API overhead; a real caller pays that in its own process.
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs a JSON body and returns the status once the response body has been read. */
export function postJson(url: string, headers: Record<string, string>, body: unknown): Promise<number> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(data.length) } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
