import { sql, type Kysely } from 'kysely';

/**
 * Initial schema. Raw DDL reads like the database it makes; one statement per entry
 * because PGlite's extended protocol runs one statement at a time.
 */
const statements = [
  `create table organization (
     id text primary key, kind text not null check (kind in ('payer','provider')), name text not null,
     tin text, npi text unique, provider_type text, payer_code text unique)`,
  `create table fee_schedule (id text primary key, owner_org_id text not null references organization(id), name text not null)`,
  `create table plan (
     id text primary key, payer_org_id text not null references organization(id), name text not null,
     line_of_business text not null check (line_of_business in ('medicare_advantage','medicaid','commercial')),
     base_fee_schedule_id text not null references fee_schedule(id))`,
  `create table benefit_design (
     id text primary key, plan_id text not null references plan(id), effective_from date not null, effective_to date,
     design jsonb not null)`,
  `create table practitioner (
     id text primary key, npi text not null unique, first_name text not null, last_name text not null,
     taxonomy text not null, specialty text not null, org_id text not null references organization(id))`,
  `create table fee_schedule_version (
     id text primary key, fee_schedule_id text not null references fee_schedule(id), version int not null,
     effective_from date not null, effective_to date, method text not null check (method in ('fixed','percent_of_base')),
     base_schedule_id text references fee_schedule(id), percent_bp int, unlisted_percent_of_charges_bp int not null,
     unique (fee_schedule_id, version))`,
  `create table fee_schedule_rate (
     version_id text not null references fee_schedule_version(id), code text not null, modifier text not null default '',
     amount_cents bigint not null check (amount_cents >= 0), primary key (version_id, code, modifier))`,
  `create table contract (
     id text primary key, payer_org_id text not null references organization(id),
     provider_org_id text not null references organization(id), name text not null,
     effective_from date not null, effective_to date, fee_schedule_id text not null references fee_schedule(id))`,
  `create index contract_provider on contract (provider_org_id, payer_org_id)`,
  `create table member (
     key text primary key, payer_org_id text not null references organization(id), member_id text not null,
     subscriber_key text not null, relationship text not null, first_name text not null, last_name text not null,
     date_of_birth date not null, gender text not null, unique (payer_org_id, member_id))`,
  `create table coverage (
     id text primary key, member_key text not null references member(key), subscriber_key text not null,
     plan_id text not null references plan(id), effective_from date not null, effective_to date)`,
  `create index coverage_member on coverage (member_key)`,
  `create table accumulator (key text primary key, deductible_cents bigint not null, oop_cents bigint not null)`,
  `create table submission (
     id text primary key, received_at timestamptz not null default now(), submitter_org_id text references organization(id),
     channel text not null, file_name text, interchange_control_number text, accepted boolean not null,
     claim_count int not null, ack_999 text)`,
  `create table remittance (
     id text primary key, payer_org_id text not null references organization(id), provider_org_id text references organization(id),
     payee_npi text not null, payee_name text not null, trace_number text not null unique, payment_date date not null,
     total_paid_cents bigint not null, claim_count int not null, created_at timestamptz not null default now(), x12 text not null)`,
  `create table claim (
     id text primary key, payer_org_id text not null references organization(id), provider_org_id text references organization(id),
     submission_id text not null references submission(id), kind text not null, billing_npi text, billing_name text not null,
     member_key text references member(key), member_id text not null, patient_name text not null,
     -- payer_claim_control_number equals id (the primary key) today; its own column for the day they differ.
     patient_control_number text not null, payer_claim_control_number text not null, frequency_code text not null,
     place_of_service text, type_of_bill text, rendering_npi text, diagnoses jsonb not null,
     service_date_from date not null, service_date_to date not null, received_at timestamptz not null default now(),
     status text not null check (status in ('paid','partial','denied','duplicate')), network text, plan_id text,
     billed_cents bigint not null, allowed_cents bigint not null, paid_cents bigint not null, patient_resp_cents bigint not null,
     dedupe_key text not null, duplicate_of text references claim(id), provenance jsonb not null,
     remittance_id text references remittance(id),
     check (billed_cents >= allowed_cents and allowed_cents = paid_cents + patient_resp_cents))`,
  // The database itself refuses a second original with the same content: never paid twice.
  `create unique index claim_dedupe_original on claim (dedupe_key) where duplicate_of is null`,
  `create index claim_provider on claim (provider_org_id, received_at)`,
  `create index claim_payer on claim (payer_org_id, received_at)`,
  `create index claim_unremitted on claim (payer_org_id, billing_npi) where remittance_id is null`,
  `create index claim_member on claim (member_key)`,
  `create table claim_line (
     claim_id text not null references claim(id) on delete cascade, line_number int not null,
     procedure_code text, modifiers jsonb not null, revenue_code text, units text not null,
     service_date_from date not null, service_date_to date not null, category text, network text,
     billed_cents bigint not null, allowed_cents bigint not null, deductible_cents bigint not null,
     copay_cents bigint not null, coinsurance_cents bigint not null, patient_resp_cents bigint not null,
     paid_cents bigint not null, adjustments jsonb not null, remarks jsonb not null, fee_schedule_version_id text,
     primary key (claim_id, line_number))`,
  `create table app_user (
     id text primary key, username text not null unique, display_name text not null, password_hash text not null,
     org_id text not null references organization(id), role text not null)`,
  `create table api_client (
     id text primary key, client_id text not null unique, name text not null,
     org_id text not null references organization(id), role text not null)`,
  `create table audit_event (
     id bigserial primary key, at timestamptz not null default now(), actor text not null, org_id text,
     action text not null, resource_type text not null, resource_id text, member_keys jsonb not null,
     purpose text not null, outcome text not null, detail jsonb)`,
  `create index audit_event_at on audit_event (at)`,
  `create table system_setting (key text primary key, value text not null)`,
  `create table counter (name text primary key, value bigint not null)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['counter', 'system_setting', 'audit_event', 'api_client', 'app_user', 'claim_line', 'claim', 'remittance', 'submission', 'accumulator', 'coverage', 'member', 'contract', 'fee_schedule_rate', 'fee_schedule_version', 'practitioner', 'benefit_design', 'plan', 'fee_schedule', 'organization'])
    await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
