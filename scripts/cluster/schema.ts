// Creates the `temporal` and `temporal_visibility` databases with the server's own SQL tool and brings
// their schemas to the version this server needs (update-schema is a no-op when already there).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import type { ClusterBinaries } from './binaries';
import { DB_USER } from './postgres';

const DATABASES = [
  { db: 'temporal', schema: 'temporal' },
  { db: 'temporal_visibility', schema: 'visibility' },
] as const;

async function databaseExists(port: number, db: string): Promise<boolean> {
  const pg = new PgClient({ host: '127.0.0.1', port, user: DB_USER, database: 'postgres' });
  await pg.connect();
  try {
    const r = await pg.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    return r.rowCount === 1;
  } finally {
    await pg.end();
  }
}

function sqlTool(bins: ClusterBinaries, port: number, db: string, args: string[]): void {
  const argv = [
    '--plugin',
    'postgres12',
    '--endpoint',
    '127.0.0.1',
    '--port',
    String(port),
    '--user',
    DB_USER,
    '--password',
    '',
    '--database',
    db,
    ...args,
  ];
  const r = spawnSync(bins.sqlTool, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`sql ${argv.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

export async function setupSchemas(
  bins: ClusterBinaries,
  port: number,
  log: (l: string) => void,
): Promise<void> {
  for (const { db, schema } of DATABASES) {
    if (!(await databaseExists(port, db))) {
      log(`sql tool: create-database + setup-schema ${db}`);
      sqlTool(bins, port, db, ['create-database']);
      sqlTool(bins, port, db, ['setup-schema', '-v', '0.0']);
    }
    log(`sql tool: update-schema ${db}`);
    const dir = join(bins.moduleDir, 'schema', 'postgresql', 'v12', schema, 'versioned');
    sqlTool(bins, port, db, ['update-schema', '-d', dir]);
  }
}
