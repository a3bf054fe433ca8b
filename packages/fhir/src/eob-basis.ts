/**
 * The non-financial ExplanationOfBenefit a provider receives through Provider Access:
 * CARIN Blue Button "Basis" profiles — what was done, when, by whom, for which diagnoses and
 * whether it was adjudicated — without amounts, remittance or member cost sharing.
 * https://hl7.org/fhir/us/carin-bb/STU2.1/StructureDefinition-C4BB-ExplanationOfBenefit-Professional-NonClinician-Basis.html
 * (CMS-0057-F, 42 CFR 422.121(b): provider access excludes provider remittances and enrollee cost-sharing.)
 *
 * Built directly, not by stripping the full EOB: it is the same resource as the full CARIN EOB
 * without total, payment, payee, processNote, item.noteNumber and every adjudication but the
 * in/out-of-network discriminator (eob-basis.test.ts holds it to exactly that), at a third of the
 * cost, which matters to a Provider Access export of millions of claims.
 */
import type { ExplanationOfBenefit, ExplanationOfBenefitItem } from '@medplum/fhirtypes';
import { icd10WithDot, procedureSystem, SYSTEM } from './identifiers.ts';
import { eobHeader, type EobBasisInput, type EobBasisLineInput } from './resources.ts';

const PROFILE = {
  professional: `${SYSTEM.carinEobType}C4BB-ExplanationOfBenefit-Professional-NonClinician-Basis`,
  institutional: `${SYSTEM.carinEobType}C4BB-ExplanationOfBenefit-Outpatient-Institutional-Basis`,
} as const;

function basisItem(e: EobBasisInput, l: EobBasisLineInput): ExplanationOfBenefitItem {
  const code = l.procedureCode;
  return {
    sequence: l.lineNumber,
    ...(l.revenueCode ? { revenue: { coding: [{ system: SYSTEM.revenue, code: l.revenueCode }] } } : {}),
    productOrService: code ? { coding: [{ system: procedureSystem(code), code }] } : { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-applicable' }] },
    ...(l.modifiers.length ? { modifier: l.modifiers.map((m) => ({ coding: [{ system: SYSTEM.cpt, code: m }] })) } : {}),
    servicedPeriod: { start: l.serviceDateFrom, end: l.serviceDateTo },
    ...(e.placeOfService ? { locationCodeableConcept: { coding: [{ system: SYSTEM.pos, code: e.placeOfService }] } } : {}),
    quantity: { value: Number(l.units) || 1 },
    // Only the in/out-of-network discriminator: it carries no amount.
    adjudication: [{ category: { coding: [{ system: SYSTEM.carinAdjudicationDiscriminator, code: e.network === 'out' ? 'outofnetwork' : 'innetwork' }] } }],
  };
}

export function eobBasisResource(e: EobBasisInput): ExplanationOfBenefit {
  return {
    resourceType: 'ExplanationOfBenefit',
    id: e.id,
    meta: { lastUpdated: e.receivedAt, profile: [e.kind === 'institutional' ? PROFILE.institutional : PROFILE.professional] },
    ...eobHeader(e),
    outcome: 'complete',
    ...(e.typeOfBill ? { supportingInfo: [{ sequence: 1, category: { coding: [{ system: 'http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBSupportingInfoType', code: 'typeofbill' }] }, code: { coding: [{ system: SYSTEM.typeOfBill, code: e.typeOfBill }] } }] } : {}),
    diagnosis: e.diagnoses.map((d, i) => ({
      sequence: i + 1,
      diagnosisCodeableConcept: { coding: [{ system: SYSTEM.icd10cm, code: icd10WithDot(d.code) }] },
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/ex-diagnosistype', code: i === 0 ? 'principal' : 'secondary' }] }],
    })),
    insurance: [{ focal: true, coverage: e.coverageId ? { reference: `Coverage/${e.coverageId}` } : { display: 'unknown coverage' } }],
    item: e.lines.map((l) => basisItem(e, l)),
  };
}
