/**
 * 837 claims → FHIR R4 Claim (use 'claim'), each with its Patient and Coverage, in one
 * collection Bundle. Diagnoses keep their 837 order (sequence = position in HI), items
 * point at them by the line's diagnosis pointers.
 * https://hl7.org/fhir/R4/claim.html
 */
import type { Claim, Coverage } from '@medplum/fhirtypes';
import type { Claim837 } from '@tandem/x12';
import { Collection, diagnosisCoding, money, partyRef, patient, procedureCoding, SYSTEM } from './shared.ts';

export function claimsToFhir(claims: readonly Claim837[], created: string): ReturnType<Collection['bundle']> {
  const c = new Collection();
  for (const claim of claims) {
    const sub = claim.subscriber;
    const person = claim.patient ?? sub;
    const pat = c.add(patient({ entity: 'QC', name: person.lastName, ...(person.firstName ? { firstName: person.firstName } : {}), ...(person.dateOfBirth ? { dateOfBirth: person.dateOfBirth } : {}), ...(person.gender ? { gender: person.gender } : {}) }, claim.patient ? undefined : sub.memberId));
    const coverage = c.add<Coverage>({
      resourceType: 'Coverage', status: 'active', subscriberId: sub.memberId, beneficiary: pat,
      relationship: { coding: [{ system: SYSTEM.subscriberRelationship, code: claim.patient ? 'other' : 'self' }] },
      payor: [partyRef({ entity: 'PR', name: claim.payer.name, idQualifier: 'PI', id: claim.payer.id })],
      ...(sub.groupNumber ? { class: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'group' }] }, value: sub.groupNumber }] } : {}),
    });
    const institutional = !!claim.typeOfBill;
    // Dental lines carry CDT codes (SV301 qualifier AD).
    const oral = claim.lines.some((l) => l.procedure?.qualifier === 'AD');
    const resource: Claim = {
      resourceType: 'Claim', status: 'active', use: 'claim', created,
      identifier: [{ system: SYSTEM.patientControlNumber, value: claim.patientControlNumber }],
      type: { coding: [{ system: SYSTEM.claimType, code: institutional ? 'institutional' : oral ? 'oral' : 'professional' }] },
      patient: pat,
      ...(claim.statementFrom ? { billablePeriod: { start: claim.statementFrom, end: claim.statementTo ?? claim.statementFrom } } : {}),
      provider: partyRef({ entity: '85', name: claim.billingProvider.name, ...(claim.billingProvider.npi ? { idQualifier: 'XX', id: claim.billingProvider.npi } : {}) }),
      priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }] },
      insurance: [{ sequence: 1, focal: true, coverage }],
      ...(claim.renderingProvider?.npi ? { careTeam: [{ sequence: 1, provider: partyRef({ entity: '82', name: claim.renderingProvider.lastName ?? '', idQualifier: 'XX', id: claim.renderingProvider.npi }), role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claimcareteamrole', code: 'primary' }] } }] } : {}),
      ...(claim.typeOfBill ? { subType: { coding: [{ system: SYSTEM.typeOfBill, code: claim.typeOfBill }] } } : {}),
      diagnosis: claim.diagnoses.map((d, i) => ({ sequence: i + 1, diagnosisCodeableConcept: { coding: [diagnosisCoding(d.qualifier, d.code)] } })),
      item: claim.lines.map((l, i) => ({
        sequence: i + 1,
        ...(l.diagnosisPointers.length ? { diagnosisSequence: l.diagnosisPointers } : {}),
        ...(l.revenueCode ? { revenue: { coding: [{ system: SYSTEM.revenue, code: l.revenueCode }] } } : {}),
        productOrService: l.procedure ? { coding: [procedureCoding(l.procedure.qualifier, l.procedure.code)] } : { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-applicable' }] },
        ...(l.procedure?.modifiers.length ? { modifier: l.procedure.modifiers.map((m) => ({ coding: [{ system: SYSTEM.cpt, code: m }] })) } : {}),
        servicedPeriod: { start: l.serviceDateFrom, end: l.serviceDateTo },
        ...(l.placeOfService ? { locationCodeableConcept: { coding: [{ system: SYSTEM.pos, code: l.placeOfService }] } } : {}),
        ...(l.teeth?.length ? { bodySite: { coding: l.teeth.map((t) => ({ system: 'http://terminology.hl7.org/CodeSystem/ex-tooth', code: t })) } } : {}),
        quantity: { value: Number(l.units) || 1 },
        net: money(l.chargeCents),
      })),
      total: money(claim.totalChargeCents),
    };
    c.add(resource);
  }
  return c.bundle();
}
