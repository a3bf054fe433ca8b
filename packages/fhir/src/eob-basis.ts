/**
 * The non-financial ExplanationOfBenefit a provider receives through Provider Access:
 * CARIN Blue Button "Basis" profiles — what was done, when, by whom, for which diagnoses and
 * whether it was adjudicated — without amounts, remittance or member cost sharing.
 * https://hl7.org/fhir/us/carin-bb/STU2.1/StructureDefinition-C4BB-ExplanationOfBenefit-Professional-NonClinician-Basis.html
 * (CMS-0057-F, 42 CFR 422.121(b): provider access excludes provider remittances and enrollee cost-sharing.)
 */
import type { ExplanationOfBenefit } from '@medplum/fhirtypes';
import { SYSTEM } from './identifiers.ts';
import { eobResource, type EobInput } from './resources.ts';

export function eobBasisResource(e: EobInput): ExplanationOfBenefit {
  const full = eobResource(e);
  const profile = e.kind === 'institutional' ? 'C4BB-ExplanationOfBenefit-Outpatient-Institutional-Basis' : 'C4BB-ExplanationOfBenefit-Professional-NonClinician-Basis';
  const { total: _total, payment: _payment, payee: _payee, processNote: _notes, ...rest } = full;
  return {
    ...rest,
    meta: { ...full.meta, profile: [`${SYSTEM.carinEobType}${profile}`] },
    // Only the in/out-of-network discriminator survives: it carries no amount.
    item: (full.item ?? []).map(({ adjudication, noteNumber: _n, ...item }) => ({
      ...item,
      adjudication: (adjudication ?? []).filter((a) => a.amount === undefined && a.category.coding?.[0]?.system === SYSTEM.carinAdjudicationDiscriminator),
    })),
  };
}
