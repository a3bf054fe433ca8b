/**
 * Claim reads, with the access policy applied in the query itself (a provider's query
 * can only ever touch its own rows) and an audit record for every read of member data.
 */
import { carcDescription, rarcDescription, type AccessContext } from '@tandem/core';
import { sql, type SelectQueryBuilder } from 'kysely';
import type { Db } from '../open-database.ts';
import type { Database } from '../schema.ts';
import { recordAudit } from './audit-repo.ts';

export interface ClaimFilter {
  readonly limit?: number;
  readonly offset?: number;
  readonly status?: string | undefined;
  readonly q?: string | undefined;
  readonly memberKey?: string | undefined;
}

type ClaimQuery = SelectQueryBuilder<Database, 'claim', object>;

/** The one place claim visibility is decided: a payer sees claims it pays, a provider the claims it billed. */
export function claimScope(ctx: AccessContext): { column: 'claim.payer_org_id' | 'claim.provider_org_id'; orgId: string } {
  return { column: ctx.orgKind === 'payer' ? 'claim.payer_org_id' : 'claim.provider_org_id', orgId: ctx.orgId };
}

export function scopeClaims<Q extends ClaimQuery>(q: Q, ctx: AccessContext): Q {
  const s = claimScope(ctx);
  const scoped = q.where(s.column, '=', s.orgId) as Q;
  return ctx.patientKey === undefined ? scoped : (scoped.where('claim.member_key', '=', ctx.patientKey) as Q);
}

const SUMMARY_COLUMNS = [
  'claim.id', 'claim.patient_control_number', 'claim.kind', 'claim.status', 'claim.member_id', 'claim.member_key', 'claim.patient_name',
  'claim.billing_name', 'claim.billing_npi', 'claim.service_date_from', 'claim.service_date_to', 'claim.received_at',
  'claim.billed_cents', 'claim.allowed_cents', 'claim.paid_cents', 'claim.patient_resp_cents', 'claim.remittance_id',
] as const;

type SummaryRow = {
  id: string; patient_control_number: string; kind: string; status: string; member_id: string; member_key: string | null; patient_name: string;
  billing_name: string; billing_npi: string | null; service_date_from: string; service_date_to: string; received_at: string;
  billed_cents: number; allowed_cents: number; paid_cents: number; patient_resp_cents: number; remittance_id: string | null;
  member_first: string | null; member_last: string | null; provider_name: string | null; denial_codes: string[] | null;
};

function toSummary(r: SummaryRow) {
  return {
    id: r.id, patientControlNumber: r.patient_control_number, kind: r.kind, status: r.status,
    memberId: r.member_key ? r.member_id : null,
    memberName: r.member_last ? `${r.member_first ?? ''} ${r.member_last}`.trim() : r.patient_name || null,
    providerName: r.provider_name ?? r.billing_name, billingNpi: r.billing_npi,
    serviceDateFrom: r.service_date_from, serviceDateTo: r.service_date_to, receivedAt: r.received_at,
    billedCents: r.billed_cents, allowedCents: r.allowed_cents, paidCents: r.paid_cents, patientRespCents: r.patient_resp_cents,
    denialCodes: r.denial_codes ?? [], remitted: r.remittance_id !== null,
  };
}
export type ClaimSummary = ReturnType<typeof toSummary>;

function baseQuery(db: Db, ctx: AccessContext) {
  return scopeClaims(
    db
      .selectFrom('claim')
      .leftJoin('member', 'member.key', 'claim.member_key')
      .leftJoin('organization as prov', 'prov.id', 'claim.provider_org_id') as unknown as ClaimQuery,
    ctx,
  );
}

export async function listClaims(db: Db, ctx: AccessContext, f: ClaimFilter): Promise<{ total: number; items: ClaimSummary[] }> {
  let q = baseQuery(db, ctx);
  if (f.status) q = q.where('claim.status', '=', f.status);
  if (f.memberKey) q = q.where('claim.member_key', '=', f.memberKey);
  if (f.q) {
    const like = `%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('claim.patient_control_number', 'ilike', like), eb('claim.member_id', 'ilike', like), eb('claim.patient_name', 'ilike', like), eb('claim.id', 'ilike', like)]));
  }
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = (await q
    .select([...SUMMARY_COLUMNS, 'member.first_name as member_first', 'member.last_name as member_last', 'prov.name as provider_name'] as never)
    .select(sql<string[]>`(select coalesce(jsonb_agg(distinct (a->>'group') || '-' || (a->>'carc')), '[]'::jsonb) from claim_line cl, jsonb_array_elements(cl.adjustments) a where cl.claim_id = claim.id and (a->>'group') <> 'PR')`.as('denial_codes') as never)
    .orderBy('claim.received_at', 'desc')
    .orderBy('claim.id', 'desc')
    .limit(Math.min(Math.max(f.limit ?? 50, 1), 500))
    .offset(Math.max(f.offset ?? 0, 0))
    .execute()) as unknown as SummaryRow[];
  const items = rows.map(toSummary);
  await recordAudit(db, ctx, { action: 'search', resourceType: 'Claim', memberKeys: rows.map((r) => r.member_key ?? ''), detail: { count: items.length, filter: { ...f } } });
  return { total: Number((total as { n?: number } | undefined)?.n ?? 0), items };
}

export async function getClaim(db: Db, ctx: AccessContext, id: string) {
  const row = (await baseQuery(db, ctx)
    .leftJoin('plan', 'plan.id', 'claim.plan_id')
    .select([...SUMMARY_COLUMNS, 'member.first_name as member_first', 'member.last_name as member_last', 'prov.name as provider_name', 'plan.name as plan_name', 'claim.payer_claim_control_number', 'claim.frequency_code', 'claim.place_of_service', 'claim.type_of_bill', 'claim.diagnoses', 'claim.rendering_npi', 'claim.network', 'claim.duplicate_of', 'claim.provenance'] as never)
    .where('claim.id', '=', id)
    .executeTakeFirst()) as unknown as (SummaryRow & Record<string, unknown>) | undefined;
  if (!row) {
    await recordAudit(db, ctx, { action: 'read', resourceType: 'Claim', resourceId: id, outcome: 'denied' });
    return null;
  }
  const lines = await db.selectFrom('claim_line').selectAll().where('claim_id', '=', id).orderBy('line_number').execute();
  const remit = row.remittance_id ? await db.selectFrom('remittance').select(['id', 'trace_number', 'payment_date']).where('id', '=', row.remittance_id).executeTakeFirst() : undefined;
  await recordAudit(db, ctx, { action: 'read', resourceType: 'Claim', resourceId: id, memberKeys: [row.member_key ?? ''] });
  const adj = (a: { group: string; carc: string; amountCents: number }) => ({ ...a, description: carcDescription(a.carc) });
  return {
    ...toSummary({ ...row, denial_codes: [...new Set(lines.flatMap((l) => l.adjustments.filter((a) => a.group !== 'PR').map((a) => `${a.group}-${a.carc}`)))] }),
    payerClaimControlNumber: row['payer_claim_control_number'] as string,
    frequencyCode: row['frequency_code'] as string,
    placeOfService: row['place_of_service'] as string | null,
    typeOfBill: row['type_of_bill'] as string | null,
    diagnoses: row['diagnoses'] as Array<{ qualifier: string; code: string }>,
    renderingNpi: row['rendering_npi'] as string | null,
    planName: (row['plan_name'] as string | null) ?? null,
    network: row['network'] as string | null,
    duplicateOf: row['duplicate_of'] as string | null,
    provenance: row['provenance'] as Record<string, unknown>,
    claimAdjustments: [],
    lines: lines.map((l) => ({
      lineNumber: l.line_number, procedureCode: l.procedure_code, modifiers: l.modifiers, revenueCode: l.revenue_code,
      serviceDateFrom: l.service_date_from, serviceDateTo: l.service_date_to, units: l.units, category: l.category,
      billedCents: l.billed_cents, allowedCents: l.allowed_cents, deductibleCents: l.deductible_cents, copayCents: l.copay_cents,
      coinsuranceCents: l.coinsurance_cents, patientRespCents: l.patient_resp_cents, paidCents: l.paid_cents,
      adjustments: l.adjustments.map(adj), remarks: l.remarks.map((code) => ({ code, description: rarcDescription(code) })),
    })),
    remittance: remit ? { id: remit.id, traceNumber: remit.trace_number, paymentDate: remit.payment_date } : null,
  };
}

export async function claimsSummary(db: Db, ctx: AccessContext) {
  const scope = claimScope(ctx).column === 'claim.payer_org_id' ? sql`c.payer_org_id = ${ctx.orgId}` : sql`c.provider_org_id = ${ctx.orgId}`;
  const totals = await sql<{ count: number; denied: number; billed: number; allowed: number; paid: number; resp: number }>`
    select count(*)::int as count, count(*) filter (where status in ('denied','duplicate'))::int as denied,
      coalesce(sum(billed_cents),0)::bigint as billed, coalesce(sum(allowed_cents),0)::bigint as allowed,
      coalesce(sum(paid_cents),0)::bigint as paid, coalesce(sum(patient_resp_cents),0)::bigint as resp
    from claim c where ${scope}`.execute(db);
  const byMonth = await sql<{ month: string; count: number; billed: number; allowed: number; paid: number; resp: number }>`
    select to_char(service_date_from, 'YYYY-MM') as month, count(*)::int as count, sum(billed_cents)::bigint as billed,
      sum(allowed_cents)::bigint as allowed, sum(paid_cents)::bigint as paid, sum(patient_resp_cents)::bigint as resp
    from claim c where ${scope} group by 1 order by 1`.execute(db);
  const denials = await sql<{ grp: string; carc: string; count: number; amount: number }>`
    select a->>'group' as grp, a->>'carc' as carc, count(*)::int as count, sum((a->>'amountCents')::bigint)::bigint as amount
    from claim c join claim_line cl on cl.claim_id = c.id, jsonb_array_elements(cl.adjustments) a
    where ${scope} and (a->>'group') <> 'PR' and (a->>'carc') <> '45'
    group by 1, 2 order by 3 desc limit 10`.execute(db);
  const byStatus = await sql<{ status: string; count: number }>`select status, count(*)::int as count from claim c where ${scope} group by 1 order by 1`.execute(db);
  const t = totals.rows[0]!;
  await recordAudit(db, ctx, { action: 'search', resourceType: 'ClaimSummary', detail: { count: t.count } });
  return {
    totals: { count: t.count, deniedCount: t.denied, billedCents: Number(t.billed), allowedCents: Number(t.allowed), paidCents: Number(t.paid), patientRespCents: Number(t.resp) },
    byMonth: byMonth.rows.map((r) => ({ month: r.month, count: r.count, billedCents: Number(r.billed), allowedCents: Number(r.allowed), paidCents: Number(r.paid), patientRespCents: Number(r.resp) })),
    denialReasons: denials.rows.map((r) => ({ group: r.grp, carc: r.carc, description: carcDescription(r.carc), count: r.count, amountCents: Number(r.amount) })),
    byStatus: byStatus.rows,
  };
}
