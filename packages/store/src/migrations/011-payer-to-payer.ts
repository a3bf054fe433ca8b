import { sql, type Kysely } from 'kysely';

/**
 * Payer-to-Payer exchange (CMS-0057-F, Da Vinci PDex bulk):
 * - bulk_export_job.input: the request body of an asynchronous operation that is not an export
 *   ($bulk-member-match), kept until the worker evaluates it;
 * - member_match_group: the Groups a $bulk-member-match answered (matched, non-matched,
 *   consent-constrained), each for the requesting payer only, as the FHIR resource we return;
 * - member_match_group_member: the members of a matched Group with the period of the Consent
 *   the requester sent, so the export can re-check consent when it runs (PDex §pdex-167);
 * - payer_import / imported_resource: another payer's export received for one of our members,
 *   with its provenance (which payer, which export, when, who), resources kept as sent.
 */
const statements = [
  `alter table bulk_export_job add column input jsonb`,
  `create table member_match_group (
     id text primary key, job_id text not null, requester_org_id text not null references organization(id),
     category text not null check (category in ('match','nomatch','consentconstraint')),
     resource jsonb not null, created_at timestamptz not null default now())`,
  `create index member_match_group_requester on member_match_group (requester_org_id, created_at)`,
  `create table member_match_group_member (
     group_id text not null references member_match_group(id) on delete cascade, member_key text not null references member(key),
     consent_start date, consent_end date, primary key (group_id, member_key))`,
  `create table payer_import (
     id text primary key, member_key text not null references member(key), from_payer text not null, source_patient_id text,
     export_request text, export_transaction_time timestamptz, files jsonb not null, counts jsonb not null,
     actor text not null, org_id text not null references organization(id), imported_at timestamptz not null default now())`,
  `create table imported_resource (
     member_key text not null references member(key), resource_type text not null, resource_id text not null,
     import_id text not null references payer_import(id), source_id text not null, resource jsonb not null,
     primary key (member_key, resource_type, resource_id))`,
  `create index imported_resource_import on imported_resource (import_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['imported_resource', 'payer_import', 'member_match_group_member', 'member_match_group']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
  await sql`alter table bulk_export_job drop column input`.execute(db);
}
