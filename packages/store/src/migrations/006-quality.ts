import { sql, type Kysely } from 'kysely';

/**
 * Quality measures: loaded measure packages, clinical data submitted by providers (kept with who
 * sent it and when), and results per member × measure × year with the evidence that decided them.
 * Member-keyed tables lead their primary key with the member key (distribution by member).
 */
const statements = [
  `create table measure_package (
     id text primary key, name text not null unique, title text not null, url text not null, version text not null,
     bundle jsonb not null, corrections jsonb not null, improvement_notation text not null check (improvement_notation in ('increase', 'decrease')),
     target_bps int, loaded_at timestamptz not null default now())`,
  `create table clinical_submission (
     id text primary key, submitter_org_id text not null references organization(id), actor text not null,
     channel text not null check (channel in ('submit-data', 'bundle', 'synthea')), member_key text not null references member(key),
     measure_id text, resources int not null, received_at timestamptz not null)`,
  `create index clinical_submission_member on clinical_submission (member_key)`,
  `create table clinical_resource (
     member_key text not null references member(key), resource_type text not null, resource_id text not null,
     submission_id text not null references clinical_submission(id), resource jsonb not null,
     primary key (member_key, resource_type, resource_id))`,
  `create table measure_result (
     member_key text not null references member(key), measure_id text not null references measure_package(id), period int not null,
     org_id text references organization(id), populations jsonb not null, evidence jsonb not null,
     gap text not null check (gap in ('open', 'closed', 'excluded', 'not-eligible', 'error')), error text,
     evaluated_at timestamptz not null, primary key (member_key, measure_id, period))`,
  `create index measure_result_org on measure_result (measure_id, period, org_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['measure_result', 'clinical_resource', 'clinical_submission', 'measure_package']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
