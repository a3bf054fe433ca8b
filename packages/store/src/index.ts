/** @tandem/store — Kysely over PGlite or PostgreSQL: schema, migrations, repositories. */
export * from './open-database.ts';
export type { Database } from './schema.ts';
export * from './repositories/accumulator-repo.ts';
export * from './repositories/attribution-repo.ts';
export * from './repositories/audit-repo.ts';
export * from './repositories/claim-reader.ts';
export * from './repositories/claim-writer.ts';
export * from './repositories/identity-repo.ts';
export * from './repositories/member-reader.ts';
export * from './repositories/registry-snapshot.ts';
export * from './repositories/registry-writer.ts';
export * from './repositories/remittance-repo.ts';
export * from './repositories/risk-repo.ts';
export * from './repositories/settlement-repo.ts';
export * from './repositories/json-insert.ts';
export * from './repositories/contract-view-repo.ts';
export * from './repositories/import-repo.ts';
export * from './repositories/organization-repo.ts';
