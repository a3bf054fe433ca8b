import { sql, type Kysely } from 'kysely';

/** Attribution runs and their assignments; member-designated (voluntary) alignment. */
const statements = [
  `create table member_alignment (
     member_key text primary key references member(key), org_id text not null references organization(id), designated_on date not null)`,
  `create table attribution_run (
     id text primary key, payer_org_id text not null references organization(id), window_kind text not null,
     window_from date not null, window_to date not null, method text not null, members int not null,
     created_at timestamptz not null default now())`,
  `create table attribution (
     run_id text not null references attribution_run(id), member_key text not null references member(key),
     org_id text references organization(id), step text not null, explanation jsonb not null, primary key (run_id, member_key))`,
  `create index attribution_org on attribution (run_id, org_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['attribution', 'attribution_run', 'member_alignment']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
