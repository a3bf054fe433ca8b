/**
 * US Core 6.1 clinical resources for Patient Access and Provider Access: the Encounters,
 * Procedures and Conditions derived from a member's claims, and the clinical resources
 * providers submitted (DEQM $submit-data, Bundle upload, Synthea import), each stamped with
 * where it came from (`meta.source`) and the US Core profile it meets. The search parameters
 * US Core requires per type are matched here, on one member's resources at a time.
 *
 * https://hl7.org/fhir/us/core/STU6.1/ · https://hl7.org/fhir/us/core/STU6.1/CapabilityStatement-us-core-server.html
 */
import { TandemError } from '@tandem/core';
import { clinicalFromClaim, type ClinicalClaim } from './clinical-from-claims.ts';
import { dispensesFromClaim } from './us-core-dispense.ts';
import type { DateBound } from './search-params.ts';

const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition';

/**
 * The US Core clinical types searched by patient, in the order $everything lists them. Their
 * data: claims (Encounter, Procedure, Condition; MedicationDispense from pharmacy claims) and
 * what providers submitted.
 */
export const US_CORE_SEARCHABLE_TYPES = [
  'Condition', 'Encounter', 'Procedure', 'Observation', 'DiagnosticReport', 'MedicationRequest', 'Immunization', 'AllergyIntolerance',
  'CarePlan', 'CareTeam', 'Goal', 'ServiceRequest', 'DocumentReference', 'Specimen', 'Device', 'RelatedPerson', 'MedicationDispense',
] as const;
export type UsCoreSearchableType = (typeof US_CORE_SEARCHABLE_TYPES)[number];

/**
 * Every US Core type served from a member's record: the searchable ones, then Medication (read
 * by id: it names no patient, it is reached from a MedicationRequest or MedicationDispense) and
 * Provenance (read by id and `_revinclude=Provenance:target`: one per provider submission, built
 * from the submission, see ./us-core-provenance.ts). US Core 6.1 gives both read only.
 */
export const US_CORE_CLINICAL_TYPES = [...US_CORE_SEARCHABLE_TYPES, 'Medication', 'Provenance'] as const;
export type UsCoreClinicalType = (typeof US_CORE_CLINICAL_TYPES)[number];

export function isUsCoreSearchableType(t: string): t is UsCoreSearchableType {
  return (US_CORE_SEARCHABLE_TYPES as readonly string[]).includes(t);
}

export function isUsCoreClinicalType(t: string): t is UsCoreClinicalType {
  return (US_CORE_CLINICAL_TYPES as readonly string[]).includes(t);
}

/** CMS-0057-F (42 CFR 422.119(b)(1)): Patient Access and Provider Access cover data with a date of service from 1 January 2016. */
export const CLINICAL_DATA_FROM = '2016-01-01';

type Json = { resourceType: string; id: string; [k: string]: unknown };
type Coding = { system?: string; code?: string };
type Concept = { coding?: Coding[]; text?: string };

/** Where a resource came from: a claim we adjudicated, or a provider's submission. */
export type ClinicalOrigin =
  | { readonly kind: 'claim'; readonly claimId: string }
  | { readonly kind: 'submission'; readonly submissionId: string; readonly channel: string; readonly submitterOrgId: string };

/** `meta.source` of a resource (a URI naming the claim or the submission it was built from). */
export function originSource(o: ClinicalOrigin): string {
  return o.kind === 'claim' ? `urn:tandem:claim:${o.claimId}` : `urn:tandem:submission:${o.submissionId}`;
}

const concepts = (v: unknown): Concept[] => (Array.isArray(v) ? (v as Concept[]) : v && typeof v === 'object' ? [v as Concept] : []);
const codes = (v: unknown): Coding[] => concepts(v).flatMap((c) => c.coding ?? []);
const hasCode = (v: unknown, system: string, code: string) => codes(v).some((c) => c.system === system && c.code === code);
const present = (v: unknown) => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);

const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const V2_0074 = 'http://terminology.hl7.org/CodeSystem/v2-0074';
const CAREPLAN_CATEGORY = 'http://hl7.org/fhir/us/core/CodeSystem/careplan-category';

/**
 * The US Core 6.1 profile a resource meets, or null when a mandatory element (cardinality 1..)
 * is missing: the profile is claimed only when the essentials are there, so a submitted
 * resource that lacks, say, Observation.category keeps its own profiles and is served as is.
 */
export function usCoreProfile(r: Json): string | null {
  const has = (...fields: string[]) => fields.every((f) => present(r[f]));
  const hasAny = (...fields: string[]) => fields.some((f) => present(r[f]));
  switch (r.resourceType) {
    case 'Condition': {
      if (!has('category', 'code', 'subject')) return null;
      if (hasCode(r['category'], CONDITION_CATEGORY, 'encounter-diagnosis')) return `${US_CORE}/us-core-condition-encounter-diagnosis`;
      return `${US_CORE}/us-core-condition-problems-health-concerns`;
    }
    case 'Encounter':
      return has('status', 'class', 'type', 'subject') ? `${US_CORE}/us-core-encounter` : null;
    case 'Procedure':
      // us-core-7: performed[x] SHALL be present when the procedure is completed or in progress.
      return has('status', 'code', 'subject') && (hasAny('performedDateTime', 'performedPeriod') || !['completed', 'in-progress'].includes(String(r['status']))) ? `${US_CORE}/us-core-procedure` : null;
    case 'Observation': {
      if (!has('status', 'category', 'code', 'subject')) return null;
      if (hasCode(r['category'], OBSERVATION_CATEGORY, 'laboratory')) return `${US_CORE}/us-core-observation-lab`;
      if (hasCode(r['category'], OBSERVATION_CATEGORY, 'vital-signs')) return `${US_CORE}/us-core-vital-signs`;
      if (hasCode(r['category'], OBSERVATION_CATEGORY, 'survey')) return `${US_CORE}/us-core-observation-screening-assessment`;
      return `${US_CORE}/us-core-simple-observation`;
    }
    case 'DiagnosticReport':
      if (!has('status', 'category', 'code', 'subject')) return null;
      return hasCode(r['category'], V2_0074, 'LAB') ? `${US_CORE}/us-core-diagnosticreport-lab` : `${US_CORE}/us-core-diagnosticreport-note`;
    case 'MedicationRequest':
      return has('status', 'intent', 'subject') && hasAny('medicationCodeableConcept', 'medicationReference') ? `${US_CORE}/us-core-medicationrequest` : null;
    case 'Immunization':
      return has('status', 'vaccineCode', 'patient') && hasAny('occurrenceDateTime', 'occurrenceString') ? `${US_CORE}/us-core-immunization` : null;
    case 'AllergyIntolerance':
      return has('code', 'patient') ? `${US_CORE}/us-core-allergyintolerance` : null;
    case 'CarePlan':
      // The AssessPlan category slice is 1..1.
      return has('status', 'intent', 'subject') && hasCode(r['category'], CAREPLAN_CATEGORY, 'assess-plan') ? `${US_CORE}/us-core-careplan` : null;
    case 'CareTeam': {
      // participant 1..*, each with a role and a member.
      const ps = Array.isArray(r['participant']) ? (r['participant'] as Array<Record<string, unknown>>) : [];
      return has('subject') && ps.length > 0 && ps.every((x) => present(x['role']) && present(x['member'])) ? `${US_CORE}/us-core-careteam` : null;
    }
    case 'Goal':
      return has('lifecycleStatus', 'description', 'subject') ? `${US_CORE}/us-core-goal` : null;
    case 'ServiceRequest':
      return has('status', 'intent', 'code', 'subject') ? `${US_CORE}/us-core-servicerequest` : null;
    case 'DocumentReference': {
      // us-core-6: every attachment carries its data or a url.
      const content = Array.isArray(r['content']) ? (r['content'] as Array<{ attachment?: { url?: unknown; data?: unknown } }>) : [];
      return has('status', 'type', 'category', 'subject') && content.length > 0 && content.every((c) => present(c.attachment?.url) || present(c.attachment?.data)) ? `${US_CORE}/us-core-documentreference` : null;
    }
    case 'Specimen':
      return has('type', 'subject') ? `${US_CORE}/us-core-specimen` : null;
    case 'Device':
      // The implantable device profile: a device with its UDI carrier, type and patient (other devices are served as sent).
      return has('udiCarrier', 'type', 'patient') ? `${US_CORE}/us-core-implantable-device` : null;
    case 'RelatedPerson':
      // us-core-14: a name or a relationship.
      return has('patient') && hasAny('name', 'relationship') ? `${US_CORE}/us-core-relatedperson` : null;
    case 'MedicationDispense':
      // us-core-20: whenHandedOver SHALL be present when the dispense is completed.
      return has('status', 'subject') && hasAny('medicationCodeableConcept', 'medicationReference') && (r['status'] !== 'completed' || present(r['whenHandedOver'])) ? `${US_CORE}/us-core-medicationdispense` : null;
    case 'Medication':
      return has('code') ? `${US_CORE}/us-core-medication` : null;
    case 'Provenance': {
      const agents = Array.isArray(r['agent']) ? (r['agent'] as Array<Record<string, unknown>>) : [];
      return has('target', 'recorded') && agents.length > 0 && agents.every((a) => present(a['who'])) ? `${US_CORE}/us-core-provenance` : null;
    }
    default:
      return null;
  }
}

/** Reference fields whose target type is fixed by the element (FHIR R4), so a bundle-local `urn:uuid:` reference can be named `Type/id`. */
const TYPED_REFERENCES: ReadonlyArray<[field: string, type: string]> = [['encounter', 'Encounter'], ['result', 'Observation'], ['hasMember', 'Observation'], ['goal', 'Goal'], ['careTeam', 'CareTeam'], ['specimen', 'Specimen']];

/**
 * A submitted resource's bundle-local references (`urn:uuid:<id>`, as Synthea and transaction
 * Bundles write them) to encounters and results made resolvable on this server: the resources
 * they point at were stored under that id for the same member. Other references stay as sent.
 */
export function localReferences(r: Json): Json {
  let out = r;
  for (const [field, type] of TYPED_REFERENCES) {
    const v = r[field];
    const fix = (x: unknown) => {
      const ref = (x as { reference?: unknown } | null)?.reference;
      return typeof ref === 'string' && ref.startsWith('urn:uuid:') ? { ...(x as object), reference: `${type}/${ref.slice(9)}` } : x;
    };
    if (Array.isArray(v)) out = { ...out, [field]: v.map(fix) };
    else if (v && typeof v === 'object') out = { ...out, [field]: fix(v) };
  }
  return out;
}

/** A resource as served: the US Core profile first (when met), and `meta.source` naming its origin. */
export function servedClinical(r: Json, origin: ClinicalOrigin, lastUpdated: string): Json {
  const meta = (r['meta'] ?? {}) as { profile?: string[]; [k: string]: unknown };
  const profile = usCoreProfile(r);
  const profiles = [...(profile ? [profile] : []), ...(meta.profile ?? []).filter((p) => p !== profile)];
  return { ...r, meta: { ...meta, lastUpdated, source: originSource(origin), ...(profiles.length ? { profile: profiles } : {}) } };
}

/**
 * The US Core resources derived from one claim. The claim-derived shapes carry QI-Core
 * profiles for the measures; here they take US Core's, an Encounter without any coded
 * service gets a text type (US Core requires one), and each is marked as from the claim.
 */
export function usCoreFromClaim(patientKey: string, c: ClinicalClaim & { receivedAt: string; billingNpi?: string | null }): Json[] {
  // A pharmacy claim is a dispense, not a visit: its lines carry NDCs, not procedures.
  if (c.kind === 'pharmacy') return dispensesFromClaim(patientKey, c).map((r) => servedClinical(r, { kind: 'claim', claimId: c.id }, new Date(c.receivedAt).toISOString()));
  return clinicalFromClaim(patientKey, c).map((d) => {
    const r = { ...d.resource, meta: {} } as Json;
    if (r.resourceType === 'Encounter' && !present(r['type'])) r['type'] = [{ text: 'Service billed on a claim' }];
    if (r.resourceType === 'Encounter') r['identifier'] = [{ system: 'https://tandem.health/fhir/claim-id', value: c.id }]; // the claim this visit was billed on
    return servedClinical(r, { kind: 'claim', claimId: c.id }, new Date(c.receivedAt).toISOString());
  });
}

/** The clinically relevant period of a resource ([start, end] as ISO strings), for `date` searches and the 2016 floor. */
export function clinicalPeriod(r: Json, param = 'date'): { start: string; end: string } | null {
  const p = (v: unknown) => v as { start?: string; end?: string } | undefined;
  const one = (v: unknown) => (typeof v === 'string' ? { start: v, end: v } : null);
  const period = (v: unknown) => (p(v)?.start || p(v)?.end ? { start: p(v)!.start ?? p(v)!.end!, end: p(v)!.end ?? '9999-12-31' } : null);
  switch (r.resourceType) {
    case 'Encounter': return period(r['period']);
    case 'Procedure': return one(r['performedDateTime']) ?? period(r['performedPeriod']);
    case 'Observation':
    case 'DiagnosticReport': return one(r['effectiveDateTime']) ?? period(r['effectivePeriod']) ?? one(r['effectiveInstant']) ?? one(r['issued']);
    case 'Condition': return param === 'recorded-date' ? one(r['recordedDate']) : (one(r['onsetDateTime']) ?? period(r['onsetPeriod']) ?? one(r['recordedDate']));
    case 'MedicationRequest': return one(r['authoredOn']);
    case 'Immunization': return one(r['occurrenceDateTime']);
    case 'AllergyIntolerance': return one(r['onsetDateTime']) ?? one(r['recordedDate']);
    case 'CarePlan':
    case 'CareTeam':
    case 'RelatedPerson': return period(r['period']);
    case 'DocumentReference': return param === 'period' ? period((r['context'] as { period?: unknown } | undefined)?.period) : one(r['date']) ?? period((r['context'] as { period?: unknown } | undefined)?.period);
    case 'Goal': {
      const due = (Array.isArray(r['target']) ? (r['target'] as Array<{ dueDate?: unknown }>) : []).map((t) => t.dueDate).filter((d): d is string => typeof d === 'string').sort();
      const target = due.length ? { start: due[0]!, end: due[due.length - 1]! } : null;
      return param === 'target-date' ? target : one(r['startDate']) ?? target;
    }
    case 'ServiceRequest': return one(r['authoredOn']);
    case 'Specimen': {
      const col = r['collection'] as { collectedDateTime?: unknown; collectedPeriod?: unknown } | undefined;
      return one(col?.collectedDateTime) ?? period(col?.collectedPeriod) ?? one(r['receivedTime']);
    }
    case 'MedicationDispense': return one(r['whenHandedOver']) ?? one(r['whenPrepared']);
    default: return null;
  }
}

/** Search parameters per type, beyond `patient` and `_id` (US Core 6.1 SHALL and SHOULD combinations we serve). */
export const US_CORE_SEARCH_PARAMS: Readonly<Record<UsCoreSearchableType, readonly string[]>> = {
  Condition: ['category', 'clinical-status', 'code', 'onset-date', 'recorded-date'],
  Encounter: ['date', 'status', 'class', 'type'],
  Procedure: ['date', 'code', 'status'],
  Observation: ['category', 'code', 'date', 'status'],
  DiagnosticReport: ['category', 'code', 'date', 'status'],
  MedicationRequest: ['intent', 'status', 'authoredon'],
  Immunization: ['date', 'status'],
  AllergyIntolerance: ['clinical-status'],
  CarePlan: ['category', 'date', 'status'],
  CareTeam: ['status', 'role'],
  Goal: ['lifecycle-status', 'target-date', 'description'],
  ServiceRequest: ['category', 'code', 'authored', 'status'],
  DocumentReference: ['category', 'type', 'date', 'period', 'status'],
  Specimen: [],
  Device: ['type', 'status'],
  RelatedPerson: ['name'],
  MedicationDispense: ['status', 'type'],
};

/** Date parameters among US_CORE_SEARCH_PARAMS (the others are tokens, and `name`, a string). */
export const US_CORE_DATE_PARAMS: ReadonlySet<string> = new Set(['date', 'onset-date', 'recorded-date', 'authoredon', 'authored', 'target-date', 'period']);
/** String parameters (FHIR string search: case-insensitive, starts with). */
export const US_CORE_STRING_PARAMS: ReadonlySet<string> = new Set(['name']);

export interface ClinicalFilter {
  readonly tokens: ReadonlyArray<{ param: string; values: readonly string[] }>;
  readonly dates: ReadonlyArray<{ param: string; bounds: readonly DateBound[] }>;
  readonly strings?: ReadonlyArray<{ param: string; values: readonly string[] }>;
}

/** Where each token parameter looks. */
function tokenTarget(r: Json, param: string): Coding[] | string | undefined {
  switch (param) {
    case 'category': return codes(r['category']);
    case 'code': return codes(r['code'] ?? r['vaccineCode'] ?? r['medicationCodeableConcept']);
    case 'role': return codes((Array.isArray(r['participant']) ? (r['participant'] as Array<{ role?: unknown }>) : []).flatMap((p) => concepts(p.role)));
    case 'description': return codes(r['description']);
    case 'lifecycle-status': return typeof r['lifecycleStatus'] === 'string' ? r['lifecycleStatus'] : undefined;
    case 'type': return codes(r['type']);
    case 'class': return codes(r['class']);
    case 'clinical-status': return codes(r['clinicalStatus']);
    case 'status': return typeof r['status'] === 'string' ? r['status'] : undefined;
    case 'intent': return typeof r['intent'] === 'string' ? r['intent'] : undefined;
    default: throw new TandemError('INVALID_REQUEST', `unsupported search parameter '${param}'`);
  }
}

/** A token value `[system|]code` (comma-separated values are OR-ed) against a coding list or a code. */
function tokenMatches(target: Coding[] | string | undefined, value: string): boolean {
  if (target === undefined) return false;
  const [system, code] = value.includes('|') ? [value.slice(0, value.indexOf('|')), value.slice(value.indexOf('|') + 1)] : [undefined, value];
  if (typeof target === 'string') return target === code;
  return target.some((c) => c.code === code && (system === undefined || system === '' || c.system === system));
}

/** Day-or-instant comparison the way the EOB search does it: a period matches a bound when some moment of it satisfies it. */
function periodMatches(p: { start: string; end: string }, b: DateBound): boolean {
  const len = b.value.length;
  const start = p.start.slice(0, len);
  const end = p.end.slice(0, len);
  switch (b.op) {
    case 'eq': return start <= b.value && end >= b.value;
    case 'ge': return end >= b.value;
    case 'gt': return end > b.value;
    case 'le': return start <= b.value;
    case 'lt': return start < b.value;
  }
}

/** The strings a string parameter looks at (RelatedPerson `name`: every part of every name). */
function stringTargets(r: Json, param: string): string[] {
  if (param !== 'name') throw new TandemError('INVALID_REQUEST', `unsupported search parameter '${param}'`);
  const names = Array.isArray(r['name']) ? (r['name'] as Array<{ text?: unknown; family?: unknown; given?: unknown; prefix?: unknown; suffix?: unknown }>) : [];
  return names.flatMap((n) => [n.text, n.family, ...[n.given, n.prefix, n.suffix].flatMap((x) => (Array.isArray(x) ? x : []))]).filter((x): x is string => typeof x === 'string');
}

/** FHIR string matching: case- and accent-insensitive, the value starting the target. */
const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

export function clinicalMatches(r: Json, f: ClinicalFilter): boolean {
  for (const t of f.tokens) if (!t.values.some((v) => tokenMatches(tokenTarget(r, t.param), v))) return false;
  for (const s of f.strings ?? []) if (!s.values.some((v) => stringTargets(r, s.param).some((x) => fold(x).startsWith(fold(v))))) return false;
  for (const d of f.dates) {
    const p = clinicalPeriod(r, d.param);
    if (!p || !d.bounds.every((b) => periodMatches(p, b))) return false;
  }
  return true;
}

/** Stable order for paging: by date (undated last), then id. */
export function clinicalOrder(a: Json, b: Json): number {
  const da = clinicalPeriod(a)?.start ?? '9999';
  const db = clinicalPeriod(b)?.start ?? '9999';
  return da < db ? -1 : da > db ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
