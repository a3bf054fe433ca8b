import { sql, type Kysely } from 'kysely';

/** Versioned contract terms (value-based arrangements) and immutable settlement runs. */
const statements = [
  `create table contract_terms (
     contract_id text not null references contract(id), version int not null, effective_from date not null,
     terms jsonb not null, created_at timestamptz not null default now(), primary key (contract_id, version))`,
  `create table settlement_run (
     id text primary key, contract_id text not null references contract(id), terms_version int not null,
     period int not null, inputs jsonb not null, outputs jsonb not null, created_at timestamptz not null default now())`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['settlement_run', 'contract_terms']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
