/**
 * Reads a Da Vinci PAS request Bundle (profile-pas-request-bundle) into a transport-independent
 * PriorAuthRequest, or lists every defect with its FHIRPath so the submitter can fix all of
 * them at once. http://hl7.org/fhir/us/davinci-pas/STU2/specification.html
 */
import type { Bundle, BundleEntry, Claim, Coverage, Identifier, Organization, Patient, Practitioner, QuestionnaireResponse, QuestionnaireResponseItem, Reference, Resource } from '@medplum/fhirtypes';
import type { PriorAuthItemInput, PriorAuthRequest, ServiceCodeSystem } from '@tandem/core';
import { SYSTEM } from './identifiers.ts';

export const PAS = 'http://hl7.org/fhir/us/davinci-pas/StructureDefinition';
const X12_1365 = 'codesystem.x12.org/005010/1365';
const X12_1322 = 'codesystem.x12.org/005010/1322';
const X12_1338 = 'codesystem.x12.org/005010/1338';

export interface PasIssue {
  readonly path: string;
  readonly message: string;
}

/** Finds a referenced resource among the Bundle's entries (`Type/id`, or a full URL / urn:uuid). */
export function resolve<T extends Resource>(entries: readonly BundleEntry[], ref: Reference | undefined, types: readonly T['resourceType'][]): T | undefined {
  const r = ref?.reference;
  if (!r) return undefined;
  const hit = entries.find((e) => {
    const res = e.resource;
    if (!res || !types.includes(res.resourceType as T['resourceType'])) return false;
    if (e.fullUrl && (e.fullUrl === r || e.fullUrl.endsWith(`/${r}`))) return true;
    return `${res.resourceType}/${res.id}` === r;
  });
  return hit?.resource as T | undefined;
}

function codeSystemOf(system: string | undefined): ServiceCodeSystem {
  if (!system) return 'other';
  if (system === SYSTEM.cpt) return 'cpt';
  if (system === SYSTEM.hcpcs || system === 'urn:oid:2.16.840.1.113883.6.285' || /hcpcs/i.test(system)) return 'hcpcs';
  if (system.includes(X12_1365) || system === 'https://x12.org/codes/service-type-codes') return 'x12-service-type';
  return 'other';
}

const npiOf = (ids: Identifier[] | undefined) => ids?.find((i) => i.system === SYSTEM.npi)?.value ?? null;
const ext = (exts: { url: string }[] | undefined, name: string) => exts?.find((e) => e.url === `${PAS}/${name}`) as Record<string, any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any

function answersOf(qrs: readonly QuestionnaireResponse[]): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  const walk = (items: QuestionnaireResponseItem[] | undefined) => {
    for (const it of items ?? []) {
      const a = it.answer?.[0];
      if (a) {
        const v = a.valueBoolean ?? a.valueInteger ?? a.valueDecimal ?? a.valueString ?? a.valueCoding?.code ?? a.valueDate;
        if (v !== undefined) out[it.linkId] = v;
        walk(a.item);
      }
      walk(it.item);
    }
  };
  for (const q of qrs) walk(q.item);
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * PAS request Bundle → PriorAuthRequest. `today` (YYYY-MM-DD) dates items that carry no
 * service date (a referral, as in the IG's own example). Never throws on input.
 */
export function readPasRequest(body: unknown, today: string): { request: PriorAuthRequest; claim: Claim } | { issues: PasIssue[] } {
  const issues: PasIssue[] = [];
  const bad = (path: string, message: string) => void issues.push({ path, message });
  const b = body as Bundle;
  if (typeof b !== 'object' || b === null || b.resourceType !== 'Bundle') return { issues: [{ path: 'Bundle', message: 'the body must be a PAS request Bundle (resourceType "Bundle")' }] };
  if (b.type !== 'collection') bad('Bundle.type', `must be "collection" for a PAS request Bundle, not "${String(b.type)}"`);
  const entries = Array.isArray(b.entry) ? b.entry : [];
  const claim = entries[0]?.resource as Claim | undefined;
  if (!claim || claim.resourceType !== 'Claim') return { issues: [...issues, { path: 'Bundle.entry[0].resource', message: 'the first entry must be the Claim being submitted' }] };
  const C = 'Bundle.entry[0].resource';
  if (claim.use !== 'preauthorization') bad(`${C}.use`, `must be "preauthorization", not "${String(claim.use)}"`);
  if (claim.status !== 'active' && claim.status !== 'cancelled') bad(`${C}.status`, `must be "active" (or "cancelled" to cancel a request), not "${String(claim.status)}"`);
  const id = claim.identifier?.find((i) => i.value);
  if (!id?.value) bad(`${C}.identifier`, 'a PAS Claim needs its identifier (the patient event trace number)');
  const patient = resolve<Patient>(entries, claim.patient, ['Patient']);
  if (!patient) bad(`${C}.patient`, `must reference a Patient in the Bundle (got ${JSON.stringify(claim.patient?.reference ?? null)})`);
  const insurer = resolve<Organization>(entries, claim.insurer, ['Organization']);
  if (!insurer) bad(`${C}.insurer`, 'must reference the insurer Organization in the Bundle');
  const provider = resolve<Organization | Practitioner>(entries, claim.provider, ['Organization', 'Practitioner']);
  if (!provider) bad(`${C}.provider`, 'must reference the requesting Organization or Practitioner in the Bundle');
  const focal = claim.insurance?.find((i) => i.focal) ?? claim.insurance?.[0];
  const coverage = focal ? resolve<Coverage>(entries, focal.coverage, ['Coverage']) : undefined;
  if (!focal) bad(`${C}.insurance`, 'needs the focal insurance (Coverage)');
  else if (!coverage && !focal.coverage?.identifier?.value) bad(`${C}.insurance[0].coverage`, 'must reference a Coverage in the Bundle');
  const memberId = coverage?.subscriberId ?? coverage?.identifier?.find((i) => i.value)?.value ?? focal?.coverage?.identifier?.value
    ?? patient?.identifier?.find((i) => i.type?.coding?.some((c) => c.code === 'MB'))?.value ?? patient?.identifier?.find((i) => i.value)?.value;
  if (patient && !memberId) bad(`${C}.insurance[0].coverage`, 'no member identifier: send Coverage.subscriberId, Coverage.identifier or Patient.identifier');
  if (!Array.isArray(claim.item) || claim.item.length === 0) bad(`${C}.item`, 'a PAS Claim needs at least one item');

  const items: PriorAuthItemInput[] = [];
  let certification: string | undefined;
  (claim.item ?? []).forEach((it, i) => {
    const P = `${C}.item[${i}]`;
    if (!Number.isInteger(it.sequence) || it.sequence < 1) bad(`${P}.sequence`, 'must be a positive integer');
    const coding = it.productOrService?.coding?.find((c) => c.code);
    if (!coding?.code) return bad(`${P}.productOrService`, 'needs a coded service (CPT, HCPCS or X12 service type)');
    const units = it.quantity?.value ?? 1;
    if (!Number.isInteger(units) || units < 1) bad(`${P}.quantity.value`, `must be a whole number of units of at least 1, not ${String(units)}`);
    const from = it.servicedDate ?? it.servicedPeriod?.start ?? today;
    const to = it.servicedDate ?? it.servicedPeriod?.end ?? from;
    if (!DATE.test(from) || !DATE.test(to) || to.slice(0, 10) < from.slice(0, 10)) bad(`${P}.servicedPeriod`, 'must be a valid date or period (start not after end)');
    const cert = ext(it.extension, 'extension-certificationType')?.['valueCodeableConcept']?.coding?.find((c: { system?: string }) => c.system?.includes(X12_1322))?.code;
    certification ??= cert;
    items.push({
      sequence: it.sequence, code: coding.code, codeSystem: codeSystemOf(coding.system), modifiers: (it.modifier ?? []).flatMap((m) => m.coding?.map((c) => c.code ?? '') ?? []).filter(Boolean),
      placeOfService: it.locationCodeableConcept?.coding?.find((c) => c.code)?.code ?? null, units: Number.isInteger(units) && units >= 1 ? units : 1,
      from: from.slice(0, 10), to: to.slice(0, 10), traceNumber: ext(it.extension, 'extension-itemTraceNumber')?.['valueIdentifier']?.value ?? null,
    });
  });
  if (new Set(items.map((i) => i.sequence)).size !== items.length) bad(`${C}.item`, 'item sequences must be unique');
  if (issues.length) return { issues };

  const priorityCode = claim.priority?.coding?.[0]?.code;
  const level = ext(claim.extension, 'extension-levelOfServiceCode')?.['valueCodeableConcept']?.coding?.find((c: { system?: string }) => c.system?.includes(X12_1338))?.code;
  // Expedited when the requester says so: priority "stat", or X12 1338 level of service U (urgent) or 03 (emergency).
  const expedited = priorityCode === 'stat' || level === 'U' || level === '03';
  const related = claim.related?.find((r) => r.claim)?.claim;
  const relatedRef = related?.identifier?.value ?? related?.reference?.split('/').pop() ?? focal?.preAuthRef?.[0] ?? null;
  const cancel = claim.status === 'cancelled' || certification === '3';
  const action = cancel ? 'cancel' : relatedRef || certification === 'S' ? 'update' : 'submit';
  return {
    claim,
    request: {
      action, submitterRef: { system: id!.system ?? null, value: id!.value! }, relatedRef: relatedRef ?? (action === 'submit' ? null : id!.value!),
      priority: expedited ? 'expedited' : 'standard', memberId: memberId!,
      patient: { firstName: patient!.name?.[0]?.given?.[0] ?? null, lastName: patient!.name?.[0]?.family ?? null, birthDate: patient!.birthDate ?? null },
      requesterNpi: npiOf(provider!.identifier),
      diagnoses: (claim.diagnosis ?? []).flatMap((d) => d.diagnosisCodeableConcept?.coding?.filter((c) => c.system === SYSTEM.icd10cm && c.code).map((c) => c.code!.replace('.', '')) ?? []),
      answers: answersOf(entries.map((e) => e.resource).filter((r): r is QuestionnaireResponse => r?.resourceType === 'QuestionnaireResponse')),
      items,
    },
  };
}
