/**
 * 835 remittances → FHIR R4 ExplanationOfBenefit, one per claim payment (CLP), with the
 * submitted, allowed and paid amounts and every CAS adjustment (group and CARC) at claim and
 * line level. https://hl7.org/fhir/R4/explanationofbenefit.html
 */
import type { ExplanationOfBenefit, ExplanationOfBenefitItemAdjudication, Money } from '@medplum/fhirtypes';
import type { Adjustment835, Remittance835 } from '@tandem/x12';
import { Collection, money, partyRef, patient, procedureCoding, SYSTEM } from './shared.ts';

const adjudication = (code: string, cents: number): ExplanationOfBenefitItemAdjudication & { amount: Money } => ({ category: { coding: [{ system: SYSTEM.adjudication, code }] }, amount: money(cents) });
const adjustment = (a: Adjustment835): ExplanationOfBenefitItemAdjudication => ({
  category: { coding: [{ system: 'https://x12.org/codes/claim-adjustment-group-codes', code: a.group }] },
  reason: { coding: [{ system: SYSTEM.carc, code: a.reason }] },
  amount: money(a.amountCents),
});

export function remittancesToFhir(remits: readonly Remittance835[], created: string): ReturnType<Collection['bundle']> {
  const c = new Collection();
  for (const r of remits) {
    for (const claim of r.claims) {
      const pat = c.add(patient({ entity: 'QC', name: claim.patient.lastName, ...(claim.patient.firstName ? { firstName: claim.patient.firstName } : {}), idQualifier: 'MI', id: claim.patient.memberId }));
      const eob: ExplanationOfBenefit = {
        resourceType: 'ExplanationOfBenefit', status: 'active', use: 'claim', created,
        identifier: [
          ...(claim.payerClaimControlNumber ? [{ system: SYSTEM.claimId, value: claim.payerClaimControlNumber }] : []),
          { system: SYSTEM.patientControlNumber, value: claim.patientControlNumber },
        ],
        type: { coding: [{ system: SYSTEM.claimType, code: claim.facilityCode && claim.lines.some((l) => l.revenueCode) ? 'institutional' : 'professional' }] },
        patient: pat,
        insurer: partyRef({ entity: 'PR', name: r.payer.name, ...(r.payer.id ? { idQualifier: 'PI', id: r.payer.id } : {}) }),
        provider: partyRef({ entity: 'PE', name: r.payee.name, ...(r.payee.npi ? { idQualifier: 'XX', id: r.payee.npi } : {}) }),
        outcome: 'complete',
        // CLP02: 1–3 processed (primary, secondary, tertiary), 4 denied, 22 reversal.
        disposition: ({ '1': 'processed as primary', '2': 'processed as secondary', '3': 'processed as tertiary', '4': 'denied', '22': 'reversal of previous payment' } as Record<string, string>)[claim.status] ?? claim.status,
        ...(claim.serviceDateFrom ? { billablePeriod: { start: claim.serviceDateFrom, end: claim.serviceDateTo ?? claim.serviceDateFrom } } : {}),
        insurance: [{ focal: true, coverage: { identifier: { system: SYSTEM.memberId, value: claim.patient.memberId } } }],
        ...(claim.adjustments.length ? { adjudication: claim.adjustments.map(adjustment) } : {}),
        item: claim.lines.map((l, i) => ({
          sequence: i + 1,
          ...(l.revenueCode ? { revenue: { coding: [{ system: SYSTEM.revenue, code: l.revenueCode }] } } : {}),
          productOrService: l.procedure ? { coding: [procedureCoding(l.procedure.qualifier, l.procedure.code)] } : { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-applicable' }] },
          ...(l.serviceDateFrom ? { servicedPeriod: { start: l.serviceDateFrom, end: l.serviceDateTo || l.serviceDateFrom } } : {}),
          quantity: { value: Number(l.units) || 1 },
          adjudication: [adjudication('submitted', l.chargeCents), ...(l.allowedCents !== undefined ? [adjudication('eligible', l.allowedCents)] : []), adjudication('benefit', l.paidCents), ...l.adjustments.map(adjustment)],
        })),
        total: [adjudication('submitted', claim.chargeCents), adjudication('benefit', claim.paidCents)],
        payment: { ...(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(r.paymentDate) ? { date: r.paymentDate } : {}), amount: money(claim.paidCents), ...(r.traceNumber ? { identifier: { value: r.traceNumber } } : {}) },
      };
      c.add(eob);
    }
  }
  return c.bundle();
}
