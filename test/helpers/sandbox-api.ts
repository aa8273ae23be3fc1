// JSON requests to a sandbox stack's API with the sandbox key (startSandboxStack without apiKeys).
import { SANDBOX_API_KEY } from '../../sandbox/stack';

export function sandboxApi(apiUrl: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(apiUrl + path, {
      method,
      headers: { authorization: `Bearer ${SANDBOX_API_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
}
