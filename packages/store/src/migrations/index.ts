import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m001 from './001-initial.ts';
import * as m002 from './002-risk.ts';
import * as m003 from './003-attribution.ts';
import * as m004 from './004-settlement.ts';
import * as m005 from './005-imported-claims.ts';
import * as m006 from './006-quality.ts';
import * as m007 from './007-prior-auth.ts';
import * as m008 from './008-smart-access.ts';
import * as m009 from './009-coverage-status.ts';
import * as m010 from './010-provider-access.ts';
import * as m011 from './011-payer-to-payer.ts';
import * as m012 from './012-settlement-snapshot.ts';

/** Migrations are code, listed here in order; the same set runs on PGlite and PostgreSQL. */
const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
  '002-risk': m002,
  '003-attribution': m003,
  '004-settlement': m004,
  '005-imported-claims': m005,
  '006-quality': m006,
  '007-prior-auth': m007,
  '008-smart-access': m008,
  '009-coverage-status': m009,
  '010-provider-access': m010,
  '011-payer-to-payer': m011,
  '012-settlement-snapshot': m012,
};

class InCodeProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export async function migrateToLatest(db: Kysely<unknown>): Promise<{ applied: string[] }> {
  // Pin the migration tables to the schema we run in: Kysely looks tables up across all
  // schemas, so another schema's tables (a parallel test run) would otherwise be mistaken for ours.
  const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s ?? 'public';
  const migrator = new Migrator({ db, provider: new InCodeProvider(), migrationTableName: 'tandem_migration', migrationLockTableName: 'tandem_migration_lock', migrationTableSchema: schema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
