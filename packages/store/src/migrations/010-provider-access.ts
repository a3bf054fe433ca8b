import { sql, type Kysely } from 'kysely';

/**
 * Provider Access beyond attribution rosters (CMS-0057-F, Da Vinci PDex and ATR):
 * - provider_match: one PDex `$provider-member-match` request, whose id is the MatchedMembers
 *   Group a provider then reads and exports (`Group/{id}/$davinci-data-export`);
 * - treatment_relationship: a member–provider treatment relationship from a verified
 *   treatment attestation (who attested, when, the Consent as sent, and the period it holds);
 *   Provider Access counts it only inside its period and while the member has not opted out;
 * - roster_change: ATR `$member-add` / `$member-remove` made by the payer on top of one
 *   attribution run (the roster a contract shows is the run's assignments with its changes);
 * - roster_confirmation: ATR `$confirm-attribution-list` by the provider (who, when, which run).
 */
const statements = [
  `create table provider_match (
     id text primary key, provider_org_id text not null references organization(id), actor text not null,
     submitted int not null, matched int not null, not_matched int not null, consent_constrained int not null,
     created_at timestamptz not null default now())`,
  `create index provider_match_provider on provider_match (provider_org_id)`,
  `create table treatment_relationship (
     id bigint generated always as identity primary key,
     member_key text not null references member(key), provider_org_id text not null references organization(id),
     source text not null check (source in ('attestation')), match_id text references provider_match(id),
     attested_by text not null, attested_at timestamptz, consent jsonb not null,
     period_start date not null, period_end date not null check (period_end >= period_start),
     recorded_by text not null, created_at timestamptz not null default now())`,
  `create index treatment_relationship_provider on treatment_relationship (provider_org_id, member_key, period_end)`,
  `create index treatment_relationship_match on treatment_relationship (match_id) where match_id is not null`,
  `create table roster_change (
     id bigint generated always as identity primary key,
     contract_id text not null references contract(id), run_id text not null references attribution_run(id),
     member_key text not null references member(key), action text not null check (action in ('add','remove')),
     reason text not null, period_start date, period_end date, actor text not null, created_at timestamptz not null default now())`,
  `create index roster_change_contract on roster_change (contract_id, run_id, member_key, id)`,
  `create table roster_confirmation (
     id bigint generated always as identity primary key,
     contract_id text not null references contract(id), run_id text not null references attribution_run(id),
     last_change_id bigint, members int not null, confirmed_by text not null, org_id text not null references organization(id),
     confirmed_at timestamptz not null default now())`,
  `create index roster_confirmation_contract on roster_confirmation (contract_id, run_id, id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['roster_confirmation', 'roster_change', 'treatment_relationship', 'provider_match']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
}
