/**
 * Domain → FHIR R4 resources, shaped after US Core 6.1 Patient and CARIN Blue Button 2.0
 * (Coverage, ExplanationOfBenefit Professional/Institutional).
 * https://hl7.org/fhir/us/carin-bb/STU2/
 */
import type { AdjudicatedLine, Member } from '@tandem/core';
import type { Bundle, Coverage, ExplanationOfBenefit, ExplanationOfBenefitItem, Patient, Resource } from '@medplum/fhirtypes';
import { icd10WithDot, money, procedureSystem, SYSTEM } from './identifiers.ts';

export function patientResource(m: Member): Patient {
  return {
    resourceType: 'Patient',
    id: m.key,
    meta: { profile: ['http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Patient', 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'] },
    identifier: [{ type: { coding: [{ system: SYSTEM.v2IdentifierType, code: 'MB', display: 'Member Number' }] }, system: SYSTEM.memberId, value: m.memberId }],
    active: true,
    name: [{ use: 'official', family: m.lastName, given: [m.firstName] }],
    gender: m.gender === 'M' ? 'male' : m.gender === 'F' ? 'female' : 'unknown',
    birthDate: m.dateOfBirth,
  };
}

export interface CoverageInput {
  readonly id: string;
  readonly memberKey: string;
  readonly subscriberKey: string;
  readonly memberId: string;
  readonly relationship: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly planId: string;
  readonly planName: string;
  readonly lineOfBusiness: string;
  readonly payerId: string;
  readonly payerName: string;
}

export function coverageResource(c: CoverageInput, asOf: string): Coverage {
  const active = c.effectiveFrom <= asOf && (c.effectiveTo === null || asOf <= c.effectiveTo);
  return {
    resourceType: 'Coverage',
    id: c.id,
    meta: { profile: ['http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Coverage'] },
    identifier: [{ type: { coding: [{ system: SYSTEM.v2IdentifierType, code: 'MB' }] }, system: SYSTEM.memberId, value: c.memberId }],
    status: active ? 'active' : 'cancelled',
    type: { coding: [{ system: 'https://nahdo.org/sopt', code: c.lineOfBusiness === 'medicare_advantage' ? '16' : c.lineOfBusiness === 'medicaid' ? '2' : '5', display: c.lineOfBusiness }] },
    subscriberId: c.memberId.replace(/-\d+$/, ''),
    subscriber: { reference: `Patient/${c.subscriberKey}` },
    beneficiary: { reference: `Patient/${c.memberKey}` },
    relationship: { coding: [{ system: SYSTEM.subscriberRelationship, code: c.relationship === 'other' ? 'other' : c.relationship }] },
    period: { start: c.effectiveFrom, ...(c.effectiveTo ? { end: c.effectiveTo } : {}) },
    payor: [{ reference: `Organization/${c.payerId}`, display: c.payerName }],
    class: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'plan' }] }, value: c.planId, name: c.planName }],
  };
}

/** A stored claim line as the EOB needs it: the adjudicated line with plain adjustment rows. */
export type EobLineInput = Omit<AdjudicatedLine, 'category' | 'network' | 'feeScheduleVersionId' | 'adjustments'> & {
  readonly adjustments: ReadonlyArray<{ group: string; carc: string; amountCents: number }>;
};

/** What a non-financial (CARIN Basis) EOB line is made of: no amount, adjustment or remark. */
export type EobBasisLineInput = Pick<EobLineInput, 'lineNumber' | 'procedureCode' | 'modifiers' | 'revenueCode' | 'units' | 'serviceDateFrom' | 'serviceDateTo'>;

/** What a non-financial (CARIN Basis) EOB is made of; the type leaves every amount out, so a Basis EOB cannot carry one. */
export interface EobBasisInput {
  readonly id: string;
  readonly kind: 'professional' | 'institutional';
  readonly status: string;
  readonly memberKey: string;
  readonly coverageId: string | null;
  readonly payerOrgId: string;
  readonly payerName: string | null;
  readonly providerOrgId: string | null;
  readonly providerName: string;
  readonly billingNpi: string | null;
  readonly patientControlNumber: string;
  readonly receivedAt: string;
  readonly serviceDateFrom: string;
  readonly serviceDateTo: string;
  readonly network: string | null;
  readonly typeOfBill: string | null;
  readonly placeOfService: string | null;
  readonly diagnoses: ReadonlyArray<{ qualifier: string; code: string }>;
  readonly lines: readonly EobBasisLineInput[];
}

export interface EobInput extends EobBasisInput {
  readonly billedCents: number;
  readonly allowedCents: number;
  readonly paidCents: number;
  readonly patientRespCents: number;
  readonly lines: readonly EobLineInput[];
}

function adj(code: string, cents: number, system: string = SYSTEM.adjudication) {
  return { category: { coding: [{ system, code }] }, amount: money(cents) };
}

function itemOf(e: EobInput, l: EobLineInput): ExplanationOfBenefitItem {
  const code = l.procedureCode;
  const adjudication = [
    adj('submitted', l.billedCents),
    adj('eligible', l.allowedCents),
    adj('deductible', l.deductibleCents),
    adj('copay', l.copayCents),
    adj('coinsurance', l.coinsuranceCents, SYSTEM.carinAdjudication),
    adj('memberliability', l.patientRespCents, SYSTEM.carinAdjudication),
    adj('paidtoprovider', l.paidCents, SYSTEM.carinAdjudication),
    ...l.adjustments.filter((a) => a.group !== 'PR').map((a) => ({
      category: { coding: [{ system: SYSTEM.adjudication, code: 'benefit' }], text: `${a.group}-${a.carc}` },
      reason: { coding: [{ system: SYSTEM.carc, code: a.carc }] },
      amount: money(a.amountCents),
    })),
    { category: { coding: [{ system: SYSTEM.carinAdjudicationDiscriminator, code: e.network === 'out' ? 'outofnetwork' : 'innetwork' }] } },
  ];
  return {
    sequence: l.lineNumber,
    ...(l.revenueCode ? { revenue: { coding: [{ system: SYSTEM.revenue, code: l.revenueCode }] } } : {}),
    productOrService: code ? { coding: [{ system: procedureSystem(code), code }] } : { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-applicable' }] },
    ...(l.modifiers.length ? { modifier: l.modifiers.map((m) => ({ coding: [{ system: SYSTEM.cpt, code: m }] })) } : {}),
    servicedPeriod: { start: l.serviceDateFrom, end: l.serviceDateTo },
    ...(e.placeOfService ? { locationCodeableConcept: { coding: [{ system: SYSTEM.pos, code: e.placeOfService }] } } : {}),
    quantity: { value: Number(l.units) || 1 },
    ...(l.remarks.length ? { noteNumber: l.remarks.map((_, i) => i + 1) } : {}),
    adjudication,
  };
}

/**
 * The claim-level elements the full (CARIN BB) and the Basis EOB share, in their order (the Basis
 * EOB's JSON text writer, eob-basis-json.ts, is held byte for byte to that order).
 */
export function eobHeader(e: EobBasisInput) {
  return {
    identifier: [
      { type: { coding: [{ system: SYSTEM.carinIdentifierType, code: 'uc', display: 'Unique Claim ID' }] }, system: SYSTEM.claimId, value: e.id },
      { system: SYSTEM.patientControlNumber, value: e.patientControlNumber },
    ],
    status: 'active' as const,
    type: { coding: [{ system: SYSTEM.claimType, code: e.kind === 'institutional' ? 'institutional' : 'professional' }] },
    use: 'claim' as const,
    patient: { reference: `Patient/${e.memberKey}` },
    billablePeriod: { start: e.serviceDateFrom, end: e.serviceDateTo },
    created: e.receivedAt,
    insurer: { reference: `Organization/${e.payerOrgId}`, ...(e.payerName ? { display: e.payerName } : {}) },
    provider: e.providerOrgId ? { reference: `Organization/${e.providerOrgId}`, display: e.providerName } : { identifier: { system: SYSTEM.npi, value: e.billingNpi ?? '' }, display: e.providerName },
  };
}

export function eobResource(e: EobInput): ExplanationOfBenefit {
  const profile = e.kind === 'institutional' ? 'C4BB-ExplanationOfBenefit-Outpatient-Institutional' : 'C4BB-ExplanationOfBenefit-Professional-NonClinician';
  return {
    resourceType: 'ExplanationOfBenefit',
    id: e.id,
    meta: { lastUpdated: e.receivedAt, profile: [`${SYSTEM.carinEobType}${profile}`] },
    ...eobHeader(e),
    payee: { type: { coding: [{ system: SYSTEM.payeeType, code: 'provider' }] }, party: { identifier: { system: SYSTEM.npi, value: e.billingNpi ?? '' } } },
    // Adjudication is finished when the claim is stored; remittance is payment, not outcome.
    outcome: 'complete',
    ...(e.typeOfBill ? { supportingInfo: [{ sequence: 1, category: { coding: [{ system: 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBSupportingInfoType', code: 'typeofbill' }] }, code: { coding: [{ system: SYSTEM.typeOfBill, code: e.typeOfBill }] } }] } : {}),
    diagnosis: e.diagnoses.map((d, i) => ({
      sequence: i + 1,
      diagnosisCodeableConcept: { coding: [{ system: SYSTEM.icd10cm, code: icd10WithDot(d.code) }] },
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/ex-diagnosistype', code: i === 0 ? 'principal' : 'secondary' }] }],
    })),
    insurance: [{ focal: true, coverage: e.coverageId ? { reference: `Coverage/${e.coverageId}` } : { display: 'unknown coverage' } }],
    item: e.lines.map((l) => itemOf(e, l)),
    total: [
      { category: { coding: [{ system: SYSTEM.adjudication, code: 'submitted' }] }, amount: money(e.billedCents) },
      { category: { coding: [{ system: SYSTEM.adjudication, code: 'eligible' }] }, amount: money(e.allowedCents) },
      { category: { coding: [{ system: SYSTEM.carinAdjudication, code: 'memberliability' }] }, amount: money(e.patientRespCents) },
      { category: { coding: [{ system: SYSTEM.carinAdjudication, code: 'paidtoprovider' }] }, amount: money(e.paidCents) },
    ],
    payment: { amount: money(e.paidCents) },
    ...(e.lines.some((l) => l.remarks.length) ? { processNote: e.lines.flatMap((l) => l.remarks).map((r, i) => ({ number: i + 1, text: r })) } : {}),
  };
}

/** A searchset Bundle with self/next/previous links for offset paging. */
export function searchBundle(resources: readonly Resource[], total: number, selfUrl: URL, offset: number, count: number, included: readonly Resource[] = []): Bundle {
  const link = (relation: string, off: number) => {
    const u = new URL(selfUrl);
    u.searchParams.set('_offset', String(off));
    u.searchParams.set('_count', String(count));
    return { relation, url: u.toString() };
  };
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    link: [
      { relation: 'self', url: selfUrl.toString() },
      ...(offset + count < total ? [link('next', offset + count)] : []),
      ...(offset > 0 ? [link('previous', Math.max(0, offset - count))] : []),
    ],
    entry: [
      ...resources.map((r) => ({ fullUrl: `${selfUrl.origin}${selfUrl.pathname.replace(/\/[^/]*$/, '')}/${r.resourceType}/${r.id}`, resource: r, search: { mode: 'match' as const } })),
      ...included.map((r) => ({ fullUrl: `${selfUrl.origin}${selfUrl.pathname.replace(/\/[^/]*$/, '')}/${r.resourceType}/${r.id}`, resource: r, search: { mode: 'include' as const } })),
    ],
  };
}
