/**
 * What every benchmark needs: a fresh store of its own (a new schema on PostgreSQL when
 * DATABASE_URL is set, else PGlite on disk in a temp directory, as `npm start` runs it — an
 * in-memory database would count its data as our RSS), and percentiles.
 */
import { migrate, openStore, type Store } from '@tandem/store';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export async function freshStore(): Promise<{ store: Store; drop(): Promise<void> }> {
  const url = process.env.DATABASE_URL;
  const schema = url ? `bench_${randomBytes(4).toString('hex')}` : undefined;
  const dir = url ? undefined : mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  const store = await openStore({ url, schema, dataDir: dir });
  await migrate(store);
  return {
    store,
    async drop() {
      await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (url && schema) {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`drop schema ${schema} cascade`);
        await c.end();
      }
    },
  };
}

/** The p-th percentile (nearest rank). */
export function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}
