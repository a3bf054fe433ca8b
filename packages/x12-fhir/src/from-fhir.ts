/**
 * FHIR → X12 typed views, so a FHIR request or answer can go out as X12:
 * Da Vinci PAS Claim (+ ClaimResponse) → 278 request (response), and
 * CoverageEligibilityResponse → 271. Write them with `write278` / `write271`.
 */
import type { Claim, ClaimResponse, CoverageEligibilityResponse, Identifier, Patient, Reference } from '@medplum/fhirtypes';
import type { EligibilityResponse, Party, Person, ReviewDecision, ServiceReview } from '@tandem/x12';
import { SYSTEM, X12 } from './shared.ts';

const QUALIFIER: Record<string, string> = { [SYSTEM.npi]: 'XX', [SYSTEM.tin]: 'FI', [SYSTEM.memberId]: 'MI', 'http://hl7.org/fhir/sid/us-ssn': '34' };

function qualifierOf(id: Identifier | undefined): string | undefined {
  if (!id?.system) return undefined;
  return QUALIFIER[id.system] ?? (id.system.startsWith('https://x12.org/codes/identification-code-qualifier/') ? id.system.split('/').pop() : undefined);
}

function partyOf(ref: Reference | undefined, entity: string): Party {
  const [first, ...rest] = (ref?.display ?? '').split(' ');
  const person = rest.length > 0;
  const q = qualifierOf(ref?.identifier);
  return { entity, name: person ? rest.join(' ') : (first ?? ''), ...(person && first ? { firstName: first } : {}), ...(q ? { idQualifier: q } : {}), ...(ref?.identifier?.value ? { id: ref.identifier.value } : {}) };
}

function personOf(p: Patient | undefined, entity: string, memberId?: string): Person {
  const g = p?.gender === 'male' ? 'M' : p?.gender === 'female' ? 'F' : p?.gender === 'unknown' ? 'U' : undefined;
  const id = memberId ?? p?.identifier?.find((i) => i.system === SYSTEM.memberId)?.value;
  return {
    entity, name: p?.name?.[0]?.family ?? '', ...(p?.name?.[0]?.given?.[0] ? { firstName: p.name[0].given[0] } : {}),
    ...(id ? { idQualifier: 'MI', id } : {}), ...(p?.birthDate ? { dateOfBirth: p.birthDate } : {}), ...(g ? { gender: g } : {}),
  };
}

function decisionOf(ext: ClaimResponse['item'] extends Array<infer I> | undefined ? I : never): ReviewDecision | undefined {
  const action = ext.extension?.find((e) => e.url.endsWith('/extension-reviewAction'));
  const code = action?.extension?.find((e) => e.url === 'code')?.valueCodeableConcept?.coding?.[0]?.code;
  if (!action || !code) return undefined;
  const number = action.extension?.find((e) => e.url === 'number')?.valueString;
  const reason = action.extension?.find((e) => e.url === 'reasonCode')?.valueCodeableConcept?.coding?.[0]?.code;
  return { action: code, ...(number ? { reference: number } : {}), ...(reason ? { reason } : {}) };
}

/**
 * A PAS Claim (use 'preauthorization') with its Patient, and the ClaimResponse when it is
 * an answer → the 278 typed view.
 * @param patient the Patient the Claim names
 */
export function reviewFromFhir(claim: Claim, patient: Patient, response?: ClaimResponse): ServiceReview {
  if (claim.use !== 'preauthorization') throw new Error(`Claim.use must be 'preauthorization' for a 278, got '${claim.use ?? ''}'`);
  const memberId = claim.insurance?.[0]?.coverage?.identifier?.value;
  const items = claim.item ?? [];
  const category = items[0]?.category?.coding?.find((c) => c.system === X12.serviceType)?.code;
  const pos = items[0]?.locationCodeableConcept?.coding?.[0]?.code;
  const top = response?.item?.length === 1 && items.length === 1 && !items[0]!.productOrService.coding?.some((c) => c.system !== 'http://terminology.hl7.org/CodeSystem/data-absent-reason') ? response.item[0] : undefined;
  return {
    kind: response ? 'response' : 'request',
    umo: partyOf(claim.insurer, 'X3'), requester: partyOf(claim.provider, '1P'),
    subscriber: personOf(patient, 'IL', memberId),
    traceNumbers: claim.identifier?.map((i) => i.value ?? '').filter(Boolean) ?? [],
    requestCategory: claim.type.coding?.[0]?.code === 'institutional' ? 'AR' : 'HS', certificationType: 'I',
    ...(category ? { serviceType: category } : {}),
    ...(pos ? { facility: { code: pos, qualifier: 'B' } } : {}),
    diagnoses: (claim.diagnosis ?? []).map((d) => {
      const c = d.diagnosisCodeableConcept?.coding?.[0];
      return { qualifier: c?.system === SYSTEM.icd10cm ? 'ABF' : 'BF', code: (c?.code ?? '').replace('.', '') };
    }),
    ...(top && decisionOf(top) ? { decision: decisionOf(top)! } : {}),
    providers: (claim.careTeam ?? []).map((t) => partyOf(t.provider, t.role?.coding?.[0]?.code ?? 'SJ')),
    services: top ? [] : items.filter((i) => !i.productOrService.coding?.some((c) => c.system === 'http://terminology.hl7.org/CodeSystem/data-absent-reason')).map((i) => {
      const code = i.productOrService.coding?.[0];
      const decision = response?.item?.find((r) => r.itemSequence === i.sequence);
      const d = decision ? decisionOf(decision) : undefined;
      return {
        traceNumbers: [], providers: [],
        ...(code?.code ? { procedure: { qualifier: code.system === 'http://www.ada.org/cdt' ? 'AD' : 'HC', code: code.code, modifiers: [] } } : {}),
        ...(i.quantity?.value ? { quantity: String(i.quantity.value) } : {}),
        ...(i.servicedPeriod?.start ? { serviceDates: { from: i.servicedPeriod.start, to: i.servicedPeriod.end ?? i.servicedPeriod.start } } : {}),
        ...(d ? { decision: d } : {}),
      };
    }),
    rejections: (response?.error ?? []).map((e) => ({ reason: e.code.coding?.[0]?.code ?? '', followUp: 'C', loop: '2000E' })),
  };
}

const EB_OF: Record<string, string> = { deductible: 'C', 'out-of-pocket': 'G', copay: 'B', coinsurance: 'A', limitation: 'F' };

/** CoverageEligibilityResponse (with its Patient) → the 271 typed view. */
export function responseFromFhir(res: CoverageEligibilityResponse, patient: Patient | undefined, receiver: Party): EligibilityResponse {
  const ins = res.insurance?.[0];
  const memberId = ins?.coverage?.identifier?.value;
  const subscriber = patient && memberId ? { ...personOf(patient, 'IL', memberId), traceNumbers: res.request?.identifier?.value ? [res.request.identifier.value] : [] } : undefined;
  const period = res.servicedPeriod ?? (res.servicedDate ? { start: res.servicedDate, end: res.servicedDate } : undefined);
  return {
    source: partyOf(res.insurer, 'PR'), receiver,
    ...(subscriber ? { subscriber } : {}),
    ...(period?.start ? { dateOfService: { from: period.start, to: period.end ?? period.start } } : {}),
    benefits: [
      ...(ins?.inforce !== undefined ? [{ code: ins.inforce ? '1' : '6', serviceTypes: ['30'], dates: [], messages: [], relatedEntities: [] }] : []),
      ...(ins?.item ?? []).flatMap((item) => {
        const serviceTypes = item.category?.coding?.filter((c) => c.system === X12.serviceType).map((c) => c.code ?? '') ?? [];
        const network = item.network?.coding?.[0]?.code;
        const benefits = item.benefit?.length ? item.benefit : [undefined];
        return benefits.map((b) => ({
          code: EB_OF[b?.type.coding?.[0]?.code ?? ''] ?? 'D', serviceTypes,
          ...(item.unit?.coding?.[0]?.code ? { coverageLevel: item.unit.coding[0].code === 'family' ? 'FAM' : 'IND' } : {}),
          ...(item.name ? { planDescription: item.name } : {}),
          ...(b?.allowedMoney?.value !== undefined ? { amountCents: Math.round(b.allowedMoney.value * 100) } : {}),
          ...(b?.allowedString ? { percent: b.allowedString } : {}),
          ...(item.authorizationRequired !== undefined ? { authorizationRequired: item.authorizationRequired ? 'Y' : 'N' } : {}),
          ...(network ? { inNetwork: network === 'in' ? 'Y' : network === 'out' ? 'N' : 'W' } : {}),
          dates: [], messages: item.description ? [item.description] : [], relatedEntities: [],
        }));
      }),
    ],
    rejections: (res.error ?? []).map((e) => ({ reason: e.code.coding?.[0]?.code ?? '', followUp: 'C', loop: '2100C' })),
  };
}
