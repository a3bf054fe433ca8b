import { sql, type Kysely } from 'kysely';

/**
 * Prior authorization (CMS-0057-F): versioned rule sets per payer/plan, requests with their
 * items, clocks and decisions, an event history per request, and R4-backport Subscriptions
 * (rest-hook) with a log of every notification sent.
 */
const statements = [
  `create table auth_rule_set (
     id text primary key, payer_org_id text not null references organization(id), plan_ids jsonb,
     effective_from date not null, effective_to date, rules jsonb not null, created_at timestamptz not null default now(),
     check (effective_to is null or effective_to >= effective_from))`,
  `create table prior_auth (
     id text primary key, payer_org_id text not null references organization(id), provider_org_id text not null references organization(id),
     member_key text not null references member(key), channel text not null check (channel in ('fhir','x12','dashboard')),
     priority text not null check (priority in ('standard','expedited')), status text not null,
     submitter_system text, submitter_value text not null, received_at timestamptz not null, due_at timestamptz not null,
     decided_at timestamptz, first_decided_at timestamptz, appealed_at timestamptz, extended boolean not null default false, appealed boolean not null default false, decided_by text,
     diagnoses jsonb not null, answers jsonb not null, request jsonb not null, updated_at timestamptz not null)`,
  // A submitter's trace number identifies its request: a resubmission is answered from the stored one.
  `create unique index prior_auth_submitter on prior_auth (provider_org_id, submitter_value)`,
  `create index prior_auth_queue on prior_auth (payer_org_id, status, due_at)`,
  `create index prior_auth_member on prior_auth (member_key)`,
  `create table prior_auth_item (
     auth_id text not null references prior_auth(id), sequence int not null, code text not null, code_system text not null,
     modifiers jsonb not null, place_of_service text, units_requested int not null check (units_requested > 0),
     units_approved int, units_used int not null default 0, service_from date not null, service_to date not null,
     action text not null check (action in ('approved','modified','denied','pended','not-required','cancelled')),
     reason text not null, rule_set_id text references auth_rule_set(id), rule_id text, documentation jsonb not null, criteria jsonb not null,
     trace_number text, approved_from date, approved_to date,
     primary key (auth_id, sequence), check (units_used <= coalesce(units_approved, 0)))`,
  `create table prior_auth_event (
     id bigserial primary key, auth_id text not null references prior_auth(id), at timestamptz not null, actor text not null,
     org_id text not null, action text not null, detail jsonb not null)`,
  `create index prior_auth_event_auth on prior_auth_event (auth_id, id)`,
  `create table fhir_subscription (
     id text primary key, org_id text not null references organization(id), topic text not null, filter text,
     endpoint text not null, headers jsonb not null, status text not null check (status in ('active','off','error')),
     events_since_start int not null default 0, resource jsonb not null, created_at timestamptz not null)`,
  `create table subscription_delivery (
     id bigserial primary key, subscription_id text not null references fhir_subscription(id), auth_id text not null references prior_auth(id),
     event_number int not null, at timestamptz not null, http_status int, error text)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['subscription_delivery', 'fhir_subscription', 'prior_auth_event', 'prior_auth_item', 'prior_auth', 'auth_rule_set'])
    await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
