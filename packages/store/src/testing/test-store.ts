/**
 * A fresh, migrated store for one test file: PostgreSQL in its own schema when
 * DATABASE_URL is set (CI's second pass), otherwise in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openStore, type Store } from '../open-database.ts';
import { migratedPgliteDump } from './pglite-template.ts';

/**
 * Test files run in parallel in one database, each in its own schema. Kysely's migrator looks
 * for its tables with a catalog query over every schema that calls has_schema_privilege(name),
 * which fails with "schema … does not exist" when another file drops its schema between the
 * catalog snapshot and that call (seen in CI). Migrations hold this advisory lock shared and
 * drops hold it exclusively, so a drop waits for the scans in flight and scans never wait for each other.
 */
const SCHEMA_LOCK = 7_404_310_027;

async function withSchemaLock<T>(url: string, mode: 'shared' | 'exclusive', fn: () => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(mode === 'shared' ? 'select pg_advisory_lock_shared($1)' : 'select pg_advisory_lock($1)', [SCHEMA_LOCK]);
    return await fn();
  } finally {
    await c.end(); // ending the session releases the lock
  }
}

/** Open and migrate a store in a new schema of `url` (or in-memory PGlite without one). */
export async function openTestStore(url: string | undefined, prefix = 'test'): Promise<{ store: Store; schema: string | undefined }> {
  const schema = url ? `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}` : undefined;
  const store = await openStore({ url, schema, poolSize: 4, loadDataDir: url ? undefined : await migratedPgliteDump() });
  // On PGlite the template is already migrated: this only confirms it.
  if (url) await withSchemaLock(url, 'shared', () => migrate(store));
  else await migrate(store);
  return { store, schema };
}

/** Drop a schema made by openTestStore, once no migration is scanning the catalog. */
export async function dropTestSchema(url: string, schema: string): Promise<void> {
  await withSchemaLock(url, 'exclusive', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(`drop schema if exists "${schema.replace(/"/g, '')}" cascade`);
    } finally {
      await c.end();
    }
  });
}

export async function createTestStore(): Promise<Store & { dispose(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  const { store, schema } = await openTestStore(url);
  return {
    ...store,
    async dispose() {
      await store.close();
      if (url && schema) await dropTestSchema(url, schema);
    },
  };
}
