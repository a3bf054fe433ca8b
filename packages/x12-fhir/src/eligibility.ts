/**
 * 270 ⇄ CoverageEligibilityRequest and 271 → CoverageEligibilityResponse (FHIR R4).
 * Service type codes (EQ01/EB03) become item categories in the X12 service-type system;
 * EB01 benefit codes map to the benefit type (deductible, out-of-pocket, copay, coinsurance).
 * https://hl7.org/fhir/R4/coverageeligibilityrequest.html
 */
import type { CoverageEligibilityRequest, CoverageEligibilityResponse, CoverageEligibilityResponseInsuranceItem, Patient } from '@medplum/fhirtypes';
import type { EligibilityInquiry, EligibilityResponse } from '@tandem/x12';
import { Collection, money, partyRef, patient, X12 } from './shared.ts';

export function inquiriesToFhir(inquiries: readonly EligibilityInquiry[], created: string): ReturnType<Collection['bundle']> {
  const c = new Collection();
  for (const q of inquiries) {
    const pat = c.add(patient(q.dependent ?? q.subscriber, q.dependent ? undefined : q.subscriber.id));
    const req: CoverageEligibilityRequest = {
      resourceType: 'CoverageEligibilityRequest', status: 'active', purpose: ['benefits'], created, patient: pat,
      ...(q.subscriber.traceNumbers[0] ? { identifier: q.subscriber.traceNumbers.map((t) => ({ system: 'https://tandem.health/fhir/x12-trace', value: t })) } : {}),
      ...(q.dateOfService ? { servicedPeriod: { start: q.dateOfService.from, end: q.dateOfService.to } } : {}),
      insurer: partyRef(q.source), provider: partyRef(q.receiver),
      insurance: [{ focal: true, coverage: { identifier: { system: 'https://tandem.health/fhir/member-id', value: q.subscriber.id ?? '' } } }],
      item: q.serviceTypes.map((code) => ({ category: { coding: [{ system: X12.serviceType, code }] } })),
    };
    c.add(req);
  }
  return c.bundle();
}

const BENEFIT_TYPE: Record<string, string> = { C: 'deductible', G: 'out-of-pocket', B: 'copay', A: 'coinsurance', F: 'limitation' };

export function responsesToFhir(responses: readonly EligibilityResponse[], created: string): ReturnType<Collection['bundle']> {
  const c = new Collection();
  for (const r of responses) {
    const who = r.dependent ?? r.subscriber;
    const pat = who ? c.add(patient(who, r.dependent ? undefined : r.subscriber?.id)) : c.add<Patient>({ resourceType: 'Patient', name: [{ text: 'unknown (request rejected before the subscriber level)' }] });
    // ces-1: an item carries a category (the service type); benefits without one stay in the X12 view.
    const items: CoverageEligibilityResponseInsuranceItem[] = r.benefits.filter((b) => b.code !== '1' && b.code !== '6' && b.serviceTypes.length > 0).map((b) => ({
      ...(b.serviceTypes[0] ? { category: { coding: b.serviceTypes.map((code) => ({ system: X12.serviceType, code })) } } : {}),
      ...(b.planDescription ? { name: b.planDescription } : {}),
      ...(b.inNetwork ? { network: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/benefit-network', code: b.inNetwork === 'Y' ? 'in' : b.inNetwork === 'N' ? 'out' : 'na' }] } } : {}),
      ...(b.coverageLevel ? { unit: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/benefit-unit', code: b.coverageLevel === 'FAM' ? 'family' : 'individual' }] } } : {}),
      ...(b.authorizationRequired ? { authorizationRequired: b.authorizationRequired === 'Y' } : {}),
      ...(BENEFIT_TYPE[b.code] && (b.amountCents !== undefined || b.percent)
        ? { benefit: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/benefit-type', code: BENEFIT_TYPE[b.code]! }] }, ...(b.amountCents !== undefined ? { allowedMoney: money(b.amountCents) } : { allowedString: b.percent! }) }] }
        : {}),
      ...(b.messages.length ? { description: b.messages.join(' ') } : {}),
    }));
    const active = r.benefits.find((b) => b.code === '1' || b.code === '6');
    const res: CoverageEligibilityResponse = {
      resourceType: 'CoverageEligibilityResponse', status: 'active', purpose: ['benefits'], created, patient: pat,
      request: { identifier: { system: 'https://tandem.health/fhir/x12-trace', value: r.subscriber?.traceNumbers[0] ?? '' } },
      outcome: r.rejections.length ? 'error' : 'complete', insurer: partyRef(r.source),
      ...(r.dateOfService ? { servicedPeriod: { start: r.dateOfService.from, end: r.dateOfService.to } } : {}),
      ...(r.subscriber ? { insurance: [{ coverage: { identifier: { system: 'https://tandem.health/fhir/member-id', value: r.subscriber.id ?? '' } }, ...(active ? { inforce: active.code === '1' } : {}), ...(items.length ? { item: items } : {}) }] } : {}),
      ...(r.rejections.length ? { error: r.rejections.map((x) => ({ code: { coding: [{ system: X12.rejectReason, code: x.reason }] } })) } : {}),
    };
    c.add(res);
  }
  return c.bundle();
}

/**
 * CoverageEligibilityRequest (with its Patient) → the fields of a 270 inquiry; write it
 * with `write270`. Throws a message naming the missing field.
 */
export function inquiryFromFhir(req: CoverageEligibilityRequest, pat: Patient, parties: { source: { name: string; id: string }; receiver: { name: string; npi: string } }): EligibilityInquiry {
  const memberId = req.insurance?.[0]?.coverage?.identifier?.value ?? pat.identifier?.[0]?.value;
  if (!memberId) throw new Error('CoverageEligibilityRequest.insurance[0].coverage.identifier.value (the member id) is required');
  const family = pat.name?.[0]?.family;
  if (!family) throw new Error('Patient.name[0].family is required');
  const period = req.servicedPeriod ?? (req.servicedDate ? { start: req.servicedDate, end: req.servicedDate } : undefined);
  return {
    source: { entity: 'PR', name: parties.source.name, idQualifier: 'PI', id: parties.source.id },
    receiver: { entity: '1P', name: parties.receiver.name, idQualifier: 'XX', id: parties.receiver.npi },
    subscriber: {
      entity: 'IL', name: family, ...(pat.name?.[0]?.given?.[0] ? { firstName: pat.name[0].given[0] } : {}), idQualifier: 'MI', id: memberId,
      ...(pat.birthDate ? { dateOfBirth: pat.birthDate } : {}), ...(pat.gender ? { gender: pat.gender === 'male' ? 'M' : pat.gender === 'female' ? 'F' : 'U' } : {}),
      traceNumbers: req.identifier?.map((i) => i.value ?? '').filter(Boolean) ?? [],
    },
    serviceTypes: (req.item ?? []).flatMap((i) => i.category?.coding?.filter((x) => x.system === X12.serviceType).map((x) => x.code ?? '') ?? []).filter(Boolean),
    ...(period?.start ? { dateOfService: { from: period.start, to: period.end ?? period.start } } : {}),
  };
}
