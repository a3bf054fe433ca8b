/**
 * US Core 6.1 clinical resources on /fhir (Condition, Encounter, Procedure, Observation,
 * DiagnosticReport, MedicationRequest, Immunization, AllergyIntolerance): read by id, and
 * search by `patient` with the parameters US Core requires per type, paged like the other
 * searches. The member's data comes from claims (derived Encounters, Procedures, Conditions)
 * and from what providers submitted, from 2016 on; `meta.source` says which. Reads go through
 * the scoped, audited clinical reader, so a member's app sees its member only and a provider
 * the members it treats.
 * https://hl7.org/fhir/us/core/STU6.1/CapabilityStatement-us-core-server.html
 */
import { TandemError } from '@tandem/core';
import { clinicalMatches, clinicalOrder, dateBounds, searchBundle, US_CORE_CLINICAL_TYPES, US_CORE_SEARCH_PARAMS, type ClinicalFilter, type UsCoreClinicalType } from '@tandem/fhir';
import { clinicalById, memberClinicalData } from '@tandem/store';
import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { clinicalResourcesOf, type ClinicalJson } from './clinical-rows.ts';
import { requireScope } from './fhir-routes.ts';

type Query = Record<string, string | string[] | undefined>;
const MAX_COUNT = 200;
const DATE_PARAMS = new Set(['date', 'onset-date', 'recorded-date', 'authoredon']);

function one(q: Query, k: string): string | undefined {
  const v = q[k];
  if (Array.isArray(v)) throw new TandemError('INVALID_REQUEST', `${k} may be given once`);
  return v;
}

function paging(q: Query): { offset: number; count: number } {
  const c = one(q, '_count');
  const o = one(q, '_offset');
  const count = c === undefined ? 50 : Number(c);
  const offset = o === undefined ? 0 : Number(o);
  if (!Number.isInteger(count) || count < 0 || count > MAX_COUNT) throw new TandemError('INVALID_REQUEST', `_count must be an integer from 0 to ${MAX_COUNT}`);
  if (!Number.isInteger(offset) || offset < 0) throw new TandemError('INVALID_REQUEST', '_offset must be a non-negative integer');
  return { offset, count };
}

/** The search's filters: each repetition of a token parameter is AND-ed, its comma-separated values OR-ed (FHIR search). */
export function clinicalFilter(type: UsCoreClinicalType, q: Query): ClinicalFilter {
  const supported = US_CORE_SEARCH_PARAMS[type];
  const tokens: Array<{ param: string; values: string[] }> = [];
  const dates: Array<{ param: string; bounds: ReturnType<typeof dateBounds> }> = [];
  for (const [k, v] of Object.entries(q)) {
    if (['_count', '_offset', '_format', 'patient', '_id'].includes(k) || v === undefined) continue;
    if (!supported.includes(k)) throw new TandemError('INVALID_REQUEST', `unsupported search parameter '${k}' for ${type} (supported: _id, patient, ${supported.join(', ')})`);
    if (DATE_PARAMS.has(k)) dates.push({ param: k, bounds: dateBounds(k, v) });
    else for (const x of Array.isArray(v) ? v : [v]) tokens.push({ param: k, values: x.split(',').filter(Boolean) });
  }
  return { tokens, dates };
}

function selfUrl(request: FastifyRequest): URL {
  return new URL(request.url, `${request.protocol}://${request.headers.host ?? 'localhost'}`);
}

const refId = (v: string) => (v.startsWith('Patient/') ? v.slice('Patient/'.length) : v);

export function clinicalRoutes(app: FastifyInstance, deps: Deps) {
  const db = deps.store.db;

  /** One resource by type and id, if the caller may see it (a submitted id used for two members' data is ambiguous: 409). */
  const readOne = async (request: FastifyRequest, type: UsCoreClinicalType, id: string): Promise<ClinicalJson | null> => {
    const { claims, submitted } = await clinicalById(db, access(request), type, id);
    const found = clinicalResourcesOf([type], claims, submitted).filter((r) => r.id === id);
    if (found.length > 1) throw new TandemError('CONFLICT', `${type}/${id} names resources of ${found.length} members; search with patient= instead`);
    return found[0] ?? null;
  };

  for (const type of US_CORE_CLINICAL_TYPES) {
    // The CapabilityStatements declare these parameters from the route's config (http/fhir-route-table.ts).
    const fhir = { searchParams: ['_id', 'patient', ...US_CORE_SEARCH_PARAMS[type]] };
    app.get<{ Querystring: Query }>(`/fhir/${type}`, { config: { fhir }, schema: { summary: `Search ${type} (US Core 6.1; patient is required)` } }, async (request, reply) => {
      requireScope(request, type, 'search');
      const q = request.query;
      const { offset, count } = paging(q);
      const filter = clinicalFilter(type, q);
      const id = one(q, '_id');
      const patient = one(q, 'patient');
      let matches: ClinicalJson[];
      if (patient !== undefined) {
        const data = await memberClinicalData(db, access(request), refId(patient), [type], { action: 'search', resourceType: type });
        matches = clinicalResourcesOf([type], data.claims, data.submitted).filter((r) => id === undefined || r.id === id);
      } else {
        if (id === undefined) throw new TandemError('INVALID_REQUEST', `a ${type} search needs patient= (US Core), or _id=`);
        const r = await readOne(request, type, id);
        matches = r ? [r] : [];
      }
      matches = matches.filter((r) => clinicalMatches(r, filter)).sort(clinicalOrder);
      return reply.type('application/fhir+json').send(searchBundle(matches.slice(offset, offset + count) as unknown as Resource[], matches.length, selfUrl(request), offset, count));
    });

    app.get<{ Params: { id: string } }>(`/fhir/${type}/:id`, { schema: { summary: `Read ${type} (US Core 6.1)` } }, async (request, reply) => {
      requireScope(request, type, 'read');
      if (!/^[A-Za-z0-9\-.]{1,64}$/.test(request.params.id)) throw new TandemError('INVALID_REQUEST', `'${request.params.id}' is not a valid FHIR id`);
      const r = await readOne(request, type, request.params.id);
      if (!r) throw new TandemError('NOT_FOUND', `${type}/${request.params.id}`);
      return reply.type('application/fhir+json').send(r);
    });
  }
}
