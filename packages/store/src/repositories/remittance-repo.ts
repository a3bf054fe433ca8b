/**
 * Remittance: claims adjudicated (by Tandem, not imported) but not yet paid out, grouped by payee (billing NPI),
 * and the record of each 835 sent. Marking claims remitted happens in the same
 * transaction as storing the 835, so a claim appears in exactly one remittance.
 */
import { FILING_INDICATOR, type AccessContext, type LineOfBusiness, type RemittanceAdvice, type RemittanceClaim } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';

export interface PendingPayee {
  readonly payeeNpi: string;
  readonly claimCount: number;
}

export async function pendingPayees(db: Db, payerOrgId: string): Promise<PendingPayee[]> {
  const rows = await db
    .selectFrom('claim')
    .select(['billing_npi', (eb) => eb.fn.countAll<number>().as('n')])
    .where('payer_org_id', '=', payerOrgId)
    .where('remittance_id', 'is', null)
    // Imported claims were paid by whoever adjudicated them: they never go out in an 835.
    .where('origin', '=', 'adjudicated')
    .where('billing_npi', 'is not', null)
    .groupBy('billing_npi')
    .orderBy('billing_npi')
    .execute();
  return rows.map((r) => ({ payeeNpi: r.billing_npi!, claimCount: Number(r.n) }));
}

/** Up to `limit` unremitted claims of one payee, locked so no other run takes them. */
export async function loadRemittanceAdvice(trx: Db, payerOrgId: string, payeeNpi: string, limit: number): Promise<RemittanceAdvice | null> {
  const claims = await trx
    .selectFrom('claim')
    .leftJoin('plan', 'plan.id', 'claim.plan_id')
    .leftJoin('member', 'member.key', 'claim.member_key')
    .select(['claim.id', 'claim.patient_control_number', 'claim.status', 'claim.billed_cents', 'claim.paid_cents', 'claim.patient_resp_cents', 'claim.place_of_service', 'claim.type_of_bill', 'claim.kind', 'claim.frequency_code', 'claim.member_id', 'claim.patient_name', 'claim.billing_name', 'plan.line_of_business', 'member.first_name', 'member.last_name'])
    .where('claim.payer_org_id', '=', payerOrgId)
    .where('claim.billing_npi', '=', payeeNpi)
    .where('claim.remittance_id', 'is', null)
    .where('claim.origin', '=', 'adjudicated')
    .orderBy('claim.id')
    .limit(limit)
    .forUpdate('claim')
    .skipLocked()
    .execute();
  if (claims.length === 0) return null;
  const ids = claims.map((c) => c.id);
  const lines = await trx
    .selectFrom('claim_line')
    .selectAll()
    .where('claim_id', 'in', sql<string>`(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`)
    .orderBy('claim_id')
    .orderBy('line_number')
    .execute();
  const linesBy = new Map<string, typeof lines>();
  for (const l of lines) {
    const list = linesBy.get(l.claim_id) ?? [];
    list.push(l);
    linesBy.set(l.claim_id, list);
  }
  const payee = await trx.selectFrom('organization').select(['name', 'tin']).where('npi', '=', payeeNpi).executeTakeFirst();
  const out: RemittanceClaim[] = claims.map((c) => {
    const [last, first] = c.patient_name.split(', ');
    return {
      claimId: c.id,
      patientControlNumber: c.patient_control_number,
      payerClaimControlNumber: c.id,
      statusCode: c.status === 'denied' || c.status === 'duplicate' ? '4' : '1',
      billedCents: c.billed_cents,
      paidCents: c.paid_cents,
      patientRespCents: c.patient_resp_cents,
      filingIndicator: c.line_of_business ? FILING_INDICATOR[c.line_of_business as LineOfBusiness] : 'ZZ',
      facilityCode: c.kind === 'institutional' ? (c.type_of_bill?.slice(0, 2) ?? null) : c.place_of_service,
      frequencyCode: c.frequency_code,
      patient: { memberId: c.member_id, lastName: c.last_name ?? last ?? '', firstName: c.first_name ?? first ?? null },
      lines: (linesBy.get(c.id) ?? []).map((l) => ({
        procedureCode: l.procedure_code, modifiers: l.modifiers, revenueCode: l.revenue_code, units: l.units,
        serviceDateFrom: l.service_date_from, serviceDateTo: l.service_date_to, billedCents: l.billed_cents,
        allowedCents: l.allowed_cents, paidCents: l.paid_cents,
        adjustments: l.adjustments.map((a) => ({ group: a.group as 'CO', carc: a.carc, amountCents: a.amountCents })), remarks: l.remarks,
      })),
    };
  });
  return {
    payeeNpi,
    payeeName: payee?.name ?? claims[0]!.billing_name,
    payeeTin: payee?.tin ?? null,
    claims: out,
    totalPaidCents: out.reduce((s, c) => s + c.paidCents, 0),
  };
}

export interface RemittanceRecord {
  readonly id: string;
  readonly payerOrgId: string;
  readonly payeeNpi: string;
  readonly payeeName: string;
  readonly traceNumber: string;
  readonly paymentDate: string;
  readonly totalPaidCents: number;
  readonly claimIds: readonly string[];
  readonly x12: string;
}

export async function insertRemittance(trx: Db, ctx: AccessContext, r: RemittanceRecord): Promise<void> {
  const provider = await trx.selectFrom('organization').select('id').where('npi', '=', r.payeeNpi).executeTakeFirst();
  await trx.insertInto('remittance').values({
    id: r.id, payer_org_id: r.payerOrgId, provider_org_id: provider?.id ?? null, payee_npi: r.payeeNpi, payee_name: r.payeeName,
    trace_number: r.traceNumber, payment_date: r.paymentDate, total_paid_cents: r.totalPaidCents, claim_count: r.claimIds.length, x12: r.x12,
  }).execute();
  await trx
    .updateTable('claim')
    .set({ remittance_id: r.id })
    .where('id', 'in', sql<string>`(select jsonb_array_elements_text(${JSON.stringify(r.claimIds)}::jsonb))`)
    .execute();
  await recordAudit(trx, ctx, { action: 'create', resourceType: 'Remittance', resourceId: r.id, memberKeys: await remittedMembers(trx, r.id), detail: { claims: r.claimIds.length, payee: r.payeeNpi } });
}

/** The members an 835 names (its claims' patients): its audit records name them. */
async function remittedMembers(db: Db, remittanceId: string): Promise<string[]> {
  const rows = await db.selectFrom('claim').select('member_key').distinct().where('remittance_id', '=', remittanceId).where('member_key', 'is not', null).execute();
  return rows.map((x) => x.member_key!);
}

/** Remittances visible to the caller: the payer's own, or those paid to the provider. */
export async function listRemittances(db: Db, ctx: AccessContext) {
  let q = db.selectFrom('remittance').select(['id', 'payee_npi', 'payee_name', 'trace_number', 'payment_date', 'total_paid_cents', 'claim_count', 'created_at']).orderBy('created_at', 'desc').limit(200);
  q = ctx.orgKind === 'payer' ? q.where('payer_org_id', '=', ctx.orgId) : q.where('provider_org_id', '=', ctx.orgId);
  return q.execute();
}

export async function getRemittanceX12(db: Db, ctx: AccessContext, id: string): Promise<string | null> {
  let q = db.selectFrom('remittance').select(['x12', 'id']).where('id', '=', id);
  q = ctx.orgKind === 'payer' ? q.where('payer_org_id', '=', ctx.orgId) : q.where('provider_org_id', '=', ctx.orgId);
  const r = await q.executeTakeFirst();
  await recordAudit(db, ctx, { action: 'read', resourceType: 'Remittance', resourceId: id, outcome: r ? 'success' : 'denied', memberKeys: r ? await remittedMembers(db, id) : [] });
  return r?.x12 ?? null;
}
