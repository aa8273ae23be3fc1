// The per-user cache the tools `npm test` needs are kept in (~/.cache/balance-check/<tool>-<version>/,
// or under XDG_CACHE_HOME), and how an installed executable is found: shared by the Temporal CLI,
// the Temporal server and schemathesis.
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The cache folder of one tool version, e.g. toolCacheDir('temporal-cli-1.5.1'). */
export function toolCacheDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'balance-check', name);
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** `go` on PATH, else the official tarball's install place; undefined without Go. */
export function goBinary(env: NodeJS.ProcessEnv): string | undefined {
  return onPath('go', env) ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
}
