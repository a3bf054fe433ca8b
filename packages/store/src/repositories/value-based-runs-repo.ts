/**
 * Lists of a payer's stored value-based work — attribution runs, risk adjustment runs — and a
 * contract's terms versions. The run lists carry counts, never members: who is on a roster is
 * read through the contract view, which audits the members it shows.
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';

const utc = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
const day = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;

/** The payer's attribution runs, newest first. */
export async function attributionRunList(db: Db, payerId: string, limit = 100) {
  const rows = await db
    .selectFrom('attribution_run')
    .select(['id', 'window_kind', 'method', 'members', day('window_from').as('window_from'), day('window_to').as('window_to'), utc('created_at').as('created_at')])
    .where('payer_org_id', '=', payerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, windowKind: r.window_kind, windowFrom: r.window_from, windowTo: r.window_to, method: r.method, members: r.members, createdAt: r.created_at }));
}

/** The payer's risk adjustment runs, newest first. */
export async function riskRunList(db: Db, payerId: string, limit = 100) {
  const rows = await db
    .selectFrom('risk_run')
    .select(['id', 'payment_year', 'diagnosis_year', 'model', 'parameters', 'members', utc('created_at').as('created_at')])
    .where('payer_org_id', '=', payerId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, paymentYear: r.payment_year, diagnosisYear: r.diagnosis_year, model: r.model, parameters: r.parameters, members: r.members, createdAt: r.created_at }));
}

/**
 * Every terms version of a contract (newest first) when the caller is one of its two parties;
 * null otherwise, so a stranger cannot tell a contract exists.
 */
export async function contractTermsVersions(db: Db, ctx: AccessContext, contractId: string) {
  const party = await db
    .selectFrom('contract')
    .select('id')
    .where('id', '=', contractId)
    .where(ctx.orgKind === 'payer' ? 'payer_org_id' : 'provider_org_id', '=', ctx.orgId)
    .executeTakeFirst();
  if (!party) return null;
  const rows = await db
    .selectFrom('contract_terms')
    .select(['version', 'terms', day('effective_from').as('effective_from'), utc('created_at').as('created_at')])
    .where('contract_id', '=', contractId)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({ version: r.version, effectiveFrom: r.effective_from, createdAt: r.created_at, terms: r.terms }));
}
