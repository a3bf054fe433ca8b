/**
 * Opens the store: PostgreSQL when a URL is given (production, CI), otherwise the
 * embedded PGlite in a data directory (pilot, demo) or in memory (tests).
 */
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './dialect/pglite-driver.ts';
import { migrateToLatest } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface OpenOptions {
  /** postgres://… ; when absent, PGlite is used. */
  readonly url?: string | undefined;
  /** PGlite data directory; absent = in memory. */
  readonly dataDir?: string | undefined;
  /** PostgreSQL schema to use (tests give each run its own); created if missing. */
  readonly schema?: string | undefined;
  readonly poolSize?: number;
  /**
   * PGlite only: start an empty data directory (or memory) from this dump (PGlite `dumpDataDir`)
   * instead of running initdb — tests start from a migrated template this way (testing/pglite-template.ts).
   */
  readonly loadDataDir?: Blob | undefined;
}

export interface Store {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  readonly description: string;
  close(): Promise<void>;
}

// OIDs: int8 20, date 1082, timestamptz 1184, timestamp 1114, numeric 1700.
const toNumber = (v: string) => Number(v);
const asIs = (v: string) => v;
const toIso = (v: string) => new Date(v).toISOString();

export async function openStore(opts: OpenOptions = {}): Promise<Store> {
  if (opts.url) {
    const types = {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === 20) return toNumber;
        if (oid === 1082) return asIs;
        if (oid === 1184 || oid === 1114) return toIso;
        return pg.types.getTypeParser(oid, format as 'text');
      }) as typeof pg.types.getTypeParser,
    };
    const schema = opts.schema;
    if (schema) {
      const admin = new pg.Client({ connectionString: opts.url });
      await admin.connect();
      try {
        await admin.query(`create schema if not exists "${schema.replace(/"/g, '')}"`);
      } finally {
        await admin.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      types,
      ...(schema ? { options: `-c search_path="${schema}"` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', description: `PostgreSQL ${redact(opts.url)}${schema ? ` schema ${schema}` : ''}`, close: () => db.destroy() };
  }
  // Loaded only when used: the WASM build costs a server on PostgreSQL some 40 MiB of RSS for nothing.
  const { PGlite: Embedded } = await import('@electric-sql/pglite');
  const pglite: PGlite = new Embedded(opts.dataDir ?? 'memory://', {
    parsers: { 20: toNumber, 1082: asIs, 1184: toIso, 1114: toIso },
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  });
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', description: `PGlite ${opts.dataDir ?? '(in memory)'}`, close: () => db.destroy() };
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export async function migrate(store: Store): Promise<string[]> {
  return (await migrateToLatest(store.db as unknown as Kysely<unknown>)).applied;
}

export async function isEmpty(db: Db): Promise<boolean> {
  const r = await sql<{ n: number }>`select count(*)::int as n from organization`.execute(db);
  return (r.rows[0]?.n ?? 0) === 0;
}
