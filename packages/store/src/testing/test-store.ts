/**
 * A fresh, migrated store for one test file: PostgreSQL in its own schema when
 * DATABASE_URL is set (CI's second pass), otherwise in-memory PGlite.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openStore, type Store } from '../open-database.ts';

export async function createTestStore(): Promise<Store & { dispose(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  const schema = url ? `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}` : undefined;
  const store = await openStore({ url, schema, poolSize: 4 });
  await migrate(store);
  return {
    ...store,
    async dispose() {
      await store.close();
      if (url && schema) {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`drop schema if exists "${schema}" cascade`);
        await c.end();
      }
    },
  };
}
