/**
 * Stores a batch of adjudicated claims with their lines. The caller owns the
 * transaction: a submission's claims, accumulators and 999 commit together or not at all.
 */
import type { AdjudicatedClaim, ClaimInput } from '@tandem/core';
import { sql } from 'kysely';
import { createHash } from 'node:crypto';
import type { Db } from '../open-database.ts';
import { insertJsonRows } from './json-insert.ts';

export interface StoredClaim {
  readonly id: string;
  readonly input: ClaimInput;
  readonly result: AdjudicatedClaim;
  readonly payerOrgId: string;
  readonly providerOrgId: string | null;
  readonly memberKey: string | null;
  readonly planId: string | null;
  readonly dedupeKey: string;
  readonly duplicateOf: string | null;
  readonly serviceDateFrom: string;
  readonly serviceDateTo: string;
}

/**
 * What makes two claims "the same claim" for duplicate detection: who billed it, the
 * provider's claim number, the patient, and every line's service, date and charge.
 * Replacements (7) and voids (8) carry their frequency so they are not duplicates of the original.
 */
export function dedupeKey(payerOrgId: string, c: ClaimInput): string {
  const h = createHash('sha256');
  h.update([payerOrgId, c.billingNpi ?? '', c.patientControlNumber, c.memberId, c.frequencyCode, c.totalChargeCents].join('\u0001'));
  for (const l of c.lines) h.update(`\u0002${l.procedureCode ?? ''}:${l.modifiers.join(',')}:${l.revenueCode ?? ''}:${l.serviceDateFrom}:${l.serviceDateTo}:${l.chargeCents}:${l.units}`);
  return h.digest('base64url');
}

/** Original claims already on file for these keys. */
export async function findOriginals(db: Db, keys: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (keys.length === 0) return out;
  const rows = await sql<{ id: string; dedupe_key: string }>`
    select id, dedupe_key from claim
    where dedupe_key = any(array(select jsonb_array_elements_text(${JSON.stringify([...new Set(keys)])}::jsonb))) and duplicate_of is null`.execute(db);
  for (const r of rows.rows) out.set(r.dedupe_key, r.id);
  return out;
}

export async function insertClaims(trx: Db, submissionId: string, receivedAt: string, claims: readonly StoredClaim[]): Promise<void> {
  if (claims.length === 0) return;
  const claimRows = claims.map((c) => ({
      id: c.id, payer_org_id: c.payerOrgId, provider_org_id: c.providerOrgId, submission_id: submissionId, kind: c.input.kind,
      billing_npi: c.input.billingNpi, billing_name: c.input.billingName, member_key: c.memberKey, member_id: c.input.memberId,
      patient_name: [c.input.patientLastName, c.input.patientFirstName].filter(Boolean).join(', '),
      patient_control_number: c.input.patientControlNumber, payer_claim_control_number: c.id, frequency_code: c.input.frequencyCode,
      place_of_service: c.input.placeOfService, type_of_bill: c.input.typeOfBill, rendering_npi: c.input.renderingNpi,
      diagnoses: c.input.diagnoses, service_date_from: c.serviceDateFrom, service_date_to: c.serviceDateTo,
      received_at: receivedAt, status: c.result.status, network: c.result.network, plan_id: c.planId,
      billed_cents: c.result.billedCents, allowed_cents: c.result.allowedCents, paid_cents: c.result.paidCents,
      patient_resp_cents: c.result.patientRespCents, dedupe_key: c.dedupeKey, duplicate_of: c.duplicateOf,
      provenance: c.result.provenance, remittance_id: null,
      // 837I sends the MS-DRG as an HI composite with qualifier DR.
      drg_code: c.input.diagnoses.find((d) => d.qualifier === 'DR')?.code ?? null,
  }));
  await insertJsonRows(trx, 'claim', Object.keys(claimRows[0]!), claimRows);
  const lineRows = claims.flatMap((c) =>
      c.result.lines.map((l, i) => ({
        claim_id: c.id, line_number: i + 1, procedure_code: l.procedureCode, modifiers: l.modifiers, revenue_code: l.revenueCode,
        units: l.units, service_date_from: l.serviceDateFrom, service_date_to: l.serviceDateTo, category: l.category, network: l.network,
        billed_cents: l.billedCents, allowed_cents: l.allowedCents, deductible_cents: l.deductibleCents, copay_cents: l.copayCents,
        coinsurance_cents: l.coinsuranceCents, patient_resp_cents: l.patientRespCents, paid_cents: l.paidCents,
        adjustments: l.adjustments, remarks: l.remarks, fee_schedule_version_id: l.feeScheduleVersionId,
      })),
  );
  if (lineRows.length) await insertJsonRows(trx, 'claim_line', Object.keys(lineRows[0]!), lineRows);
}
