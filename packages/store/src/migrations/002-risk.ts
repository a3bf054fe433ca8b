import { sql, type Kysely } from 'kysely';

/** Risk adjustment runs: one row per run (its inputs), one score per member (with its explanation). */
const statements = [
  `create table risk_run (
     id text primary key, payer_org_id text not null references organization(id), payment_year int not null,
     diagnosis_year int not null, model text not null, parameters jsonb not null, members int not null,
     created_at timestamptz not null default now())`,
  `create table risk_score (
     run_id text not null references risk_run(id), member_key text not null references member(key), segment text not null,
     age int not null, raw_score numeric(8,3) not null, payment_score numeric(8,4) not null, hccs jsonb not null,
     explanation jsonb not null, primary key (run_id, member_key))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['risk_score', 'risk_run']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
