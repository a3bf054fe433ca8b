/**
 * US Core 6.1 clinical resources on /fhir: read by id, and search by `patient` with the
 * parameters US Core requires per type (Condition, Encounter, Procedure, Observation,
 * DiagnosticReport, MedicationRequest, Immunization, AllergyIntolerance, CarePlan, CareTeam,
 * Goal, ServiceRequest, DocumentReference, Specimen, Device, RelatedPerson, MedicationDispense),
 * paged like the other searches, with `_revinclude=Provenance:target` and, for medication
 * requests and dispenses, `_include=…:medication`; Medication and Provenance are read by id.
 * The member's data comes from claims (derived Encounters, Procedures, Conditions; dispenses
 * from pharmacy claims) and from what providers submitted, from 2016 on; `meta.source` says
 * which. Reads go through the scoped, audited clinical reader, so a member's app sees its
 * member only and a provider the members it treats.
 * https://hl7.org/fhir/us/core/STU6.1/CapabilityStatement-us-core-server.html
 */
import { smartScopeAllows, TandemError } from '@tandem/core';
import { clinicalMatches, clinicalOrder, dateBounds, searchBundle, searchPaging, US_CORE_CLINICAL_TYPES, US_CORE_DATE_PARAMS, US_CORE_SEARCH_PARAMS, US_CORE_SEARCHABLE_TYPES, US_CORE_STRING_PARAMS, type ClinicalFilter, type UsCoreClinicalType, type UsCoreSearchableType } from '@tandem/fhir';
import { clinicalById, importForProvenance, memberClinicalData } from '@tandem/store';
import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { requestOrigin } from '../../http/request-origin.ts';
import { clinicalResourcesOf, importProvenances, type ClinicalJson } from './clinical-rows.ts';
import { docrefRoutes } from './docref-routes.ts';
import { requireScope } from './fhir-routes.ts';

type Query = Record<string, string | string[] | undefined>;
/** The `_include` a type honours (US Core: MedicationRequest:medication; PDex: MedicationDispense:medication). */
const MEDICATION_INCLUDE: Partial<Record<UsCoreSearchableType, string>> = { MedicationRequest: 'MedicationRequest:medication', MedicationDispense: 'MedicationDispense:medication' };
const REVINCLUDE = 'Provenance:target';

function one(q: Query, k: string): string | undefined {
  const v = q[k];
  if (Array.isArray(v)) throw new TandemError('INVALID_REQUEST', `${k} may be given once`);
  return v;
}

/** The search's filters: each repetition of a token parameter is AND-ed, its comma-separated values OR-ed (FHIR search). */
export function clinicalFilter(type: UsCoreSearchableType, q: Query): ClinicalFilter {
  const supported = US_CORE_SEARCH_PARAMS[type];
  const tokens: Array<{ param: string; values: string[] }> = [];
  const dates: Array<{ param: string; bounds: ReturnType<typeof dateBounds> }> = [];
  const strings: Array<{ param: string; values: string[] }> = [];
  for (const [k, v] of Object.entries(q)) {
    if (['_count', '_offset', '_format', 'patient', '_id', '_include', '_revinclude'].includes(k) || v === undefined) continue;
    if (!supported.includes(k)) throw new TandemError('INVALID_REQUEST', `unsupported search parameter '${k}' for ${type} (supported: _id, patient${supported.length ? `, ${supported.join(', ')}` : ''})`);
    if (US_CORE_DATE_PARAMS.has(k)) dates.push({ param: k, bounds: dateBounds(k, v) });
    else for (const x of Array.isArray(v) ? v : [v]) (US_CORE_STRING_PARAMS.has(k) ? strings : tokens).push({ param: k, values: x.split(',').filter(Boolean) });
  }
  return { tokens, dates, strings };
}

/** What the search adds to its page: Provenances of the page's resources, and the Medications they reference. */
function includesOf(type: UsCoreSearchableType, q: Query): { provenance: boolean; medication: boolean } {
  const list = (k: string) => { const v = q[k]; return v === undefined ? [] : Array.isArray(v) ? v : [v]; };
  const inc = list('_include');
  const rev = list('_revinclude');
  for (const v of inc) if (v !== MEDICATION_INCLUDE[type]) throw new TandemError('INVALID_REQUEST', `_include=${v} is not supported for ${type}${MEDICATION_INCLUDE[type] ? ` (supported: ${MEDICATION_INCLUDE[type]})` : ''}`);
  for (const v of rev) if (v !== REVINCLUDE) throw new TandemError('INVALID_REQUEST', `_revinclude=${v} is not supported (supported: ${REVINCLUDE})`);
  return { provenance: rev.length > 0, medication: inc.length > 0 };
}

/** The included resources for a page: Provenances naming one of its resources, and Medications one of them references. */
function includedFor(page: readonly ClinicalJson[], pool: readonly ClinicalJson[], want: { provenance: boolean; medication: boolean }): ClinicalJson[] {
  const refs = new Set(page.map((r) => `${r.resourceType}/${r.id}`));
  const meds = new Set(page.map((r) => (r['medicationReference'] as { reference?: string } | undefined)?.reference).filter((x): x is string => typeof x === 'string'));
  return pool.filter((r) =>
    (want.provenance && r.resourceType === 'Provenance' && ((r['target'] ?? []) as Array<{ reference?: string }>).some((t) => refs.has(t.reference ?? ''))) ||
    (want.medication && r.resourceType === 'Medication' && meds.has(`Medication/${r.id}`)));
}

/** The member a resource belongs to, from its subject or patient reference. */
const ownerOf = (r: ClinicalJson): string | undefined => {
  const ref = ((r['subject'] ?? r['patient']) as { reference?: string } | undefined)?.reference;
  return ref?.startsWith('Patient/') ? ref.slice('Patient/'.length) : undefined;
};

function selfUrl(request: FastifyRequest): URL {
  return new URL(request.url, requestOrigin(request));
}

const refId = (v: string) => (v.startsWith('Patient/') ? v.slice('Patient/'.length) : v);

export function clinicalRoutes(app: FastifyInstance, deps: Deps) {
  const db = deps.store.db;

  /**
   * One resource by type and id, if the caller may see it. A submitted id used for two members'
   * data is ambiguous (409) — except a Medication sent identically for several members (a
   * shared drug definition, not member data), which is served once.
   */
  const readOne = async (request: FastifyRequest, type: UsCoreClinicalType, id: string): Promise<ClinicalJson | null> => {
    const { claims, submitted } = await clinicalById(db, access(request), type, id);
    let found = clinicalResourcesOf([type], claims, submitted, access(request).smartScopes).filter((r) => r.id === id);
    if (type === 'Medication') found = found.filter((r, i) => found.findIndex((x) => sameContent(x, r)) === i);
    if (found.length > 1) throw new TandemError('CONFLICT', `${type}/${id} names resources of ${found.length} members; search with patient= instead`);
    return found[0] ?? null;
  };

  const importedProvenance = async (request: FastifyRequest, id: string): Promise<ClinicalJson | null> => {
    const { imports, resources } = await importForProvenance(db, access(request), id);
    const scopes = access(request).smartScopes;
    const shown = resources.filter((x) => scopes === undefined || smartScopeAllows(scopes, x.resource_type, 'read'));
    return (importProvenances(imports, shown).find((p) => p['id'] === id) as ClinicalJson | undefined) ?? null;
  };

  for (const type of US_CORE_SEARCHABLE_TYPES) {
    // The CapabilityStatements declare these parameters from the route's config (http/fhir-route-table.ts).
    const include = MEDICATION_INCLUDE[type];
    const fhir = { searchParams: ['_id', 'patient', ...US_CORE_SEARCH_PARAMS[type]], searchRevInclude: [REVINCLUDE], ...(include ? { searchInclude: [include] } : {}) };
    app.get<{ Querystring: Query }>(`/fhir/${type}`, { config: { fhir }, schema: { summary: `Search ${type} (US Core 6.1; patient is required)` } }, async (request, reply) => {
      requireScope(request, type, 'search');
      const q = request.query;
      const { offset, count } = searchPaging(q);
      const filter = clinicalFilter(type, q);
      const want = includesOf(type, q);
      const extra = [...(want.provenance ? ['Provenance'] : []), ...(want.medication ? ['Medication'] : [])];
      // An included type needs its own scope, as a read of it would.
      for (const t of extra) requireScope(request, t, 'read');
      const id = one(q, '_id');
      const patient = one(q, 'patient');
      let matches: ClinicalJson[];
      // What _include/_revinclude may add: the member's Provenances and Medications.
      let pool: ClinicalJson[] = [];
      if (patient !== undefined) {
        const data = await memberClinicalData(db, access(request), refId(patient), [type, ...extra], { action: 'search', resourceType: type });
        const all = clinicalResourcesOf([type, ...extra], data.claims, data.submitted, access(request).smartScopes);
        matches = all.filter((r) => r.resourceType === type && (id === undefined || r.id === id));
        pool = all.filter((r) => r.resourceType !== type);
      } else {
        if (id === undefined) throw new TandemError('INVALID_REQUEST', `a ${type} search needs patient= (US Core), or _id=`);
        const r = await readOne(request, type, id);
        matches = r ? [r] : [];
        // Includes come from the member the resource belongs to.
        const owner = r && extra.length ? ownerOf(r) : undefined;
        if (owner) {
          const data = await memberClinicalData(db, access(request), owner, extra, { action: 'search', resourceType: type });
          pool = clinicalResourcesOf(extra, data.claims, data.submitted, access(request).smartScopes);
        }
      }
      matches = matches.filter((r) => clinicalMatches(r, filter)).sort(clinicalOrder);
      const page = matches.slice(offset, offset + count);
      const included = extra.length ? includedFor(page, pool, want) : [];
      return reply.type('application/fhir+json').send(searchBundle(page as unknown as Resource[], matches.length, selfUrl(request), offset, count, included as unknown as Resource[]));
    });
  }

  for (const type of US_CORE_CLINICAL_TYPES) {
    app.get<{ Params: { id: string } }>(`/fhir/${type}/:id`, { schema: { summary: `Read ${type} (US Core 6.1)` } }, async (request, reply) => {
      requireScope(request, type, 'read');
      if (!/^[A-Za-z0-9\-.]{1,64}$/.test(request.params.id)) throw new TandemError('INVALID_REQUEST', `'${request.params.id}' is not a valid FHIR id`);
      // A Provenance is a provider submission's, or a Payer-to-Payer import's (the payer's and the member's only).
      const imported = type === 'Provenance' ? await importedProvenance(request, request.params.id) : null;
      const r = imported ?? (await readOne(request, type, request.params.id));
      if (!r) throw new TandemError('NOT_FOUND', `${type}/${request.params.id}`);
      return reply.type('application/fhir+json').send(r);
    });
  }

  docrefRoutes(app, deps);
}

/** Two served resources with the same content apart from `meta` (where it came from, when). */
function sameContent(a: ClinicalJson, b: ClinicalJson): boolean {
  return JSON.stringify({ ...a, meta: undefined }) === JSON.stringify({ ...b, meta: undefined });
}
