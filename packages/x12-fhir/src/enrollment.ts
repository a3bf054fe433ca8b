/**
 * 834 enrollment → FHIR R4 Patient and Coverage per member and health coverage: INS02
 * relationship, HD01 maintenance (024 cancellation → cancelled), DTP 348/349 period.
 * https://hl7.org/fhir/R4/coverage.html
 */
import type { Coverage } from '@medplum/fhirtypes';
import type { EnrolledCoverage, Enrollment } from '@tandem/x12';
import { Collection, partyRef, patient, SYSTEM, X12 } from './shared.ts';

const RELATIONSHIP: Record<string, string> = { '18': 'self', '01': 'spouse', '19': 'child', '53': 'common' };

export function enrollmentToFhir(e: Enrollment): ReturnType<Collection['bundle']> {
  const c = new Collection();
  const subscriberIds = new Map<string, string>();
  for (const m of e.members) {
    const pat = c.add(patient(m.person, m.memberId ?? m.subscriberId));
    const subscriberId = m.subscriberId ?? m.memberId ?? '';
    if (m.subscriber) subscriberIds.set(subscriberId, pat.reference!);
    // A member-level maintenance without HD loops (e.g. INS03 024 cancel with DTP*357 eligibility end) applies to the member's coverage as a whole.
    const memberEnd = m.dates.find((d) => d.qualifier === '357' || d.qualifier === '349')?.from;
    const coverages: EnrolledCoverage[] = m.coverages.length ? m.coverages : [{ maintenanceType: m.maintenanceType, insuranceLine: '', policyNumbers: [], ...(memberEnd ? { end: memberEnd } : {}) }];
    for (const cov of coverages) {
      const coverage: Coverage = {
        resourceType: 'Coverage',
        status: cov.maintenanceType === '024' || m.maintenanceType === '024' ? 'cancelled' : 'active',
        subscriberId, beneficiary: pat,
        ...(subscriberIds.get(subscriberId) ? { subscriber: { reference: subscriberIds.get(subscriberId)! } } : {}),
        relationship: { coding: [{ system: SYSTEM.subscriberRelationship, code: RELATIONSHIP[m.relationship] ?? 'other' }] },
        ...(cov.insuranceLine ? { type: { coding: [{ system: X12.insuranceLine, code: cov.insuranceLine }] } } : {}),
        ...(cov.start || cov.end ? { period: { ...(cov.start ? { start: cov.start } : {}), ...(cov.end ? { end: cov.end } : {}) } } : {}),
        payor: [partyRef(e.payer)],
        ...(m.groupNumber || cov.planDescription
          ? { class: [...(m.groupNumber ? [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'group' }] }, value: m.groupNumber }] : []), ...(cov.planDescription ? [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'plan' }] }, value: cov.planDescription }] : [])] }
          : {}),
      };
      c.add(coverage);
    }
  }
  return c.bundle();
}
