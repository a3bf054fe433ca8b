/**
 * 278 service reviews → Da Vinci PAS: a request becomes a Claim with use 'preauthorization';
 * a response becomes a ClaimResponse whose items carry the PAS reviewAction extension
 * (X12 306 action code from HCR01, the review number from HCR02, the reason from HCR03).
 * http://hl7.org/fhir/us/davinci-pas/ (STU 2)
 */
import type { Claim, ClaimResponse, Extension } from '@medplum/fhirtypes';
import type { ReviewDecision, ServiceReview } from '@tandem/x12';
import { Collection, diagnosisCoding, partyRef, patient, procedureCoding, SYSTEM, X12 } from './shared.ts';

const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition';

function reviewAction(d: ReviewDecision): Extension {
  return {
    url: `${PAS}/extension-reviewAction`,
    extension: [
      { url: 'code', valueCodeableConcept: { coding: [{ system: X12.reviewAction, code: d.action }] } },
      ...(d.reference ? [{ url: 'number', valueString: d.reference }] : []),
      ...(d.reason ? [{ url: 'reasonCode', valueCodeableConcept: { coding: [{ system: 'https://codesystem.x12.org/external/886', code: d.reason }] } }] : []),
    ],
  };
}

export function reviewsToFhir(reviews: readonly ServiceReview[], created: string): ReturnType<Collection['bundle']> {
  const c = new Collection();
  for (const r of reviews) {
    const pat = c.add(patient(r.dependent ?? r.subscriber, r.dependent ? undefined : r.subscriber.id));
    const claim: Claim = {
      resourceType: 'Claim', status: 'active', use: 'preauthorization', created, patient: pat,
      identifier: r.traceNumbers.map((t) => ({ system: 'https://tandem.health/fhir/x12-trace', value: t })),
      type: { coding: [{ system: SYSTEM.claimType, code: r.requestCategory === 'AR' ? 'institutional' : 'professional' }] },
      insurer: partyRef(r.umo), provider: partyRef(r.requester),
      priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: r.serviceType === 'A4' || r.certificationType === '03' ? 'stat' : 'normal' }] },
      insurance: [{ sequence: 1, focal: true, coverage: { identifier: { system: SYSTEM.memberId, value: r.subscriber.id ?? '' } } }],
      ...(r.diagnoses.length ? { diagnosis: r.diagnoses.map((d, i) => ({ sequence: i + 1, diagnosisCodeableConcept: { coding: [diagnosisCoding(d.qualifier, d.code)] } })) } : {}),
      ...(r.providers.length ? { careTeam: r.providers.map((p, i) => ({ sequence: i + 1, provider: partyRef(p), role: { coding: [{ system: 'https://codesystem.x12.org/005010/98', code: p.entity }] } })) } : {}),
      item: (r.services.length ? r.services : [{ traceNumbers: [], providers: [] }]).map((s, i) => ({
        sequence: i + 1,
        ...(r.serviceType ? { category: { coding: [{ system: X12.serviceType, code: r.serviceType }] } } : {}),
        productOrService: s.procedure ? { coding: [procedureCoding(s.procedure.qualifier, s.procedure.code)] } : { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-applicable' }] },
        ...(s.serviceDates ? { servicedPeriod: { start: s.serviceDates.from, end: s.serviceDates.to } } : r.eventDates ? { servicedPeriod: { start: r.eventDates.from, end: r.eventDates.to } } : {}),
        ...(s.quantity ? { quantity: { value: Number(s.quantity) || 1 } } : {}),
        ...(r.facility ? { locationCodeableConcept: { coding: [{ system: SYSTEM.pos, code: r.facility.code }] } } : {}),
      })),
    };
    const claimRef = c.add(claim);
    if (r.kind === 'response') {
      const response: ClaimResponse = {
        resourceType: 'ClaimResponse', status: 'active', use: 'preauthorization', created, patient: pat,
        type: claim.type, insurer: claim.insurer!, request: claimRef,
        outcome: 'complete',
        ...(r.decision?.reference ? { preAuthRef: r.decision.reference } : {}),
        item: (r.services.length ? r.services : [{ traceNumbers: [], providers: [], ...(r.decision ? { decision: r.decision } : {}) }]).map((s, i) => {
          const decision = s.decision ?? r.decision;
          return { itemSequence: i + 1, ...(decision ? { extension: [reviewAction(decision)] } : {}), adjudication: [{ category: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adjudication', code: 'submitted' }] } }] };
        }),
        ...(r.rejections.length ? { error: r.rejections.map((x) => ({ code: { coding: [{ system: X12.rejectReason, code: x.reason }] } })) } : {}),
      };
      c.add(response);
    }
  }
  return c.bundle();
}
