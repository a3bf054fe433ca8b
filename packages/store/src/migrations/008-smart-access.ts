import { sql, type Kysely } from 'kysely';

/**
 * The SMART on FHIR authorization server's storage (CMS-0057-F access APIs):
 * - oidc_model: everything oidc-provider persists (grants, codes, access and refresh tokens,
 *   sessions, interactions, replay detection), one row per model instance, keyed like the
 *   library's adapter contract (model + id, with lookups by grant, uid and user code);
 * - smart_client: apps and systems registered by a payer administrator, the library's
 *   client metadata plus who owns the client (the provider or payer organization it acts for);
 * - member_login: a member's sign-in for the consent screen (members are not dashboard users);
 * - bulk_export_job / bulk_export_member: FHIR Bulk Data exports as jobs any server may run
 *   (claimed with SKIP LOCKED), with the frozen member set each export covers;
 * - member_access_choice: a member's Provider Access opt-out and Payer-to-Payer opt-in, with
 *   who recorded it and when (the payer's opt-out list is the members with opt-out set).
 */
const statements = [
  `create table oidc_model (
     model text not null, id text not null, payload jsonb not null, grant_id text, uid text, user_code text,
     expires_at timestamptz, consumed_at timestamptz, primary key (model, id))`,
  `create index oidc_model_grant on oidc_model (grant_id) where grant_id is not null`,
  `create index oidc_model_uid on oidc_model (uid) where uid is not null`,
  `create index oidc_model_expires on oidc_model (expires_at)`,
  `create table smart_client (
     client_id text primary key, kind text not null check (kind in ('member-app','backend')), name text not null,
     org_id text not null references organization(id), registered_by text not null, metadata jsonb not null,
     created_at timestamptz not null default now(), disabled_at timestamptz)`,
  `create table member_login (
     username text primary key, member_key text not null unique references member(key), password_hash text not null,
     created_at timestamptz not null default now())`,
  `create table bulk_export_job (
     id text primary key, actor text not null, org_id text not null references organization(id), access jsonb not null,
     group_id text, export_type text not null, types jsonb not null, type_filters jsonb not null, since timestamptz,
     request_url text not null, status text not null check (status in ('queued','running','completed','failed','cancelled')),
     transaction_time timestamptz not null, outputs jsonb not null default '[]', error text, members int,
     created_at timestamptz not null default now(), started_at timestamptz, finished_at timestamptz, expires_at timestamptz)`,
  `create index bulk_export_job_queue on bulk_export_job (created_at) where status = 'queued'`,
  `create table member_access_choice (
     member_key text primary key references member(key), provider_access_opt_out boolean not null default false,
     payer_to_payer_opt_in boolean not null default false, recorded_by text not null, updated_at timestamptz not null default now())`,
  `create table bulk_export_member (
     job_id text not null references bulk_export_job(id) on delete cascade, member_key text not null, primary key (job_id, member_key))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['bulk_export_member', 'member_access_choice', 'bulk_export_job', 'member_login', 'smart_client', 'oidc_model']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
