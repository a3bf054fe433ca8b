/**
 * Stored claims → the ExplanationOfBenefit mapper's input, and the resources an EOB search
 * may `_include` (CARIN Blue Button: patient, coverage, insurer, provider), read through the
 * same access-scoped, audited repositories as the searches themselves.
 * https://hl7.org/fhir/us/carin-bb/STU2/CapabilityStatement-c4bb.html
 */
import type { AccessContext } from '@tandem/core';
import { coverageResource, organizationResource, patientResource, type CoverageInput, type EobInput } from '@tandem/fhir';
import { organizationsByIds, searchCoverages, searchMembers, type Db } from '@tandem/store';
import type { Resource } from '@medplum/fhirtypes';

export const EOB_INCLUDES = ['patient', 'coverage', 'insurer', 'provider'] as const;

type Row = Record<string, unknown> & { lines: Array<Record<string, unknown>> };

export function eobInputOf(claim: object): EobInput {
  const r = claim as Row;
  return {
    id: r['id'] as string, kind: r['kind'] as 'professional', status: r['status'] as string, memberKey: r['member_key'] as string, coverageId: (r['coverage_id'] as string | null) ?? null,
    payerOrgId: r['payer_org_id'] as string, payerName: (r['payer_name'] as string | null) ?? null, providerOrgId: (r['provider_org_id'] as string | null) ?? null,
    providerName: ((r['provider_name'] as string | null) ?? (r['billing_name'] as string)), billingNpi: r['billing_npi'] as string | null,
    patientControlNumber: r['patient_control_number'] as string, receivedAt: r['received_at'] as string, serviceDateFrom: r['service_date_from'] as string,
    serviceDateTo: r['service_date_to'] as string, network: r['network'] as string | null, typeOfBill: r['type_of_bill'] as string | null, placeOfService: r['place_of_service'] as string | null,
    diagnoses: r['diagnoses'] as Array<{ qualifier: string; code: string }>, billedCents: r['billed_cents'] as number, allowedCents: r['allowed_cents'] as number,
    paidCents: r['paid_cents'] as number, patientRespCents: r['patient_resp_cents'] as number,
    lines: r.lines.map((l) => ({
      lineNumber: l['line_number'] as number, procedureCode: l['procedure_code'] as string | null, modifiers: l['modifiers'] as string[], revenueCode: l['revenue_code'] as string | null,
      units: l['units'] as string, serviceDateFrom: l['service_date_from'] as string, serviceDateTo: l['service_date_to'] as string, billedCents: l['billed_cents'] as number,
      allowedCents: l['allowed_cents'] as number, deductibleCents: l['deductible_cents'] as number, copayCents: l['copay_cents'] as number, coinsuranceCents: l['coinsurance_cents'] as number,
      patientRespCents: l['patient_resp_cents'] as number, paidCents: l['paid_cents'] as number, adjustments: l['adjustments'] as Array<{ group: string; carc: string; amountCents: number }>, remarks: l['remarks'] as string[],
    })),
  };
}

export function coverageInputOf(r: { id: string; member_key: string; subscriber_key: string; member_id: string; relationship: string; effective_from: string; effective_to: string | null; plan_id: string; plan_name: string; line_of_business: string; payer_id: string; payer_name: string }): CoverageInput {
  return { id: r.id, memberKey: r.member_key, subscriberKey: r.subscriber_key, memberId: r.member_id, relationship: r.relationship, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, planId: r.plan_id, planName: r.plan_name, lineOfBusiness: r.line_of_business, payerId: r.payer_id, payerName: r.payer_name };
}

function toMemberRow(r: { key: string; payer_org_id: string; member_id: string; subscriber_key: string; relationship: string; first_name: string; last_name: string; date_of_birth: string; gender: string }) {
  return { key: r.key, payerOrgId: r.payer_org_id, memberId: r.member_id, subscriberKey: r.subscriber_key, relationship: r.relationship as 'self', firstName: r.first_name, lastName: r.last_name, dateOfBirth: r.date_of_birth, gender: r.gender as 'M' };
}

/** The resources `_include` asks for, for one page of EOBs; each distinct resource once. */
export async function eobIncludes(db: Db, ctx: AccessContext, claims: readonly object[], targets: readonly string[], today: string): Promise<Resource[]> {
  if (targets.length === 0 || claims.length === 0) return [];
  const rows = claims as Row[];
  const distinct = (k: string) => [...new Set(rows.map((r) => r[k] as string | null).filter((v): v is string => Boolean(v)))];
  const out: Resource[] = [];
  if (targets.includes('patient')) {
    const keys = distinct('member_key');
    const { rows: members } = await searchMembers(db, ctx, { keys, limit: keys.length, offset: 0 });
    out.push(...members.map((m) => patientResource(toMemberRow(m))));
  }
  if (targets.includes('coverage')) {
    const ids = distinct('coverage_id');
    const { rows: covs } = await searchCoverages(db, ctx, { ids, limit: ids.length, offset: 0 });
    out.push(...covs.map((c) => coverageResource(coverageInputOf(c), today)));
  }
  const orgIds = [...new Set([...(targets.includes('insurer') ? distinct('payer_org_id') : []), ...(targets.includes('provider') ? distinct('provider_org_id') : [])])];
  out.push(...(await organizationsByIds(db, orgIds)).map((o) => organizationResource(o)));
  return out;
}
