/**
 * `Patient/{id}/$everything` for Patient Access: the member, their coverage, their
 * explanations of benefit (claims, then prior authorizations as PDex EOBs) and their US Core
 * clinical resources in one searchset, paged with `_count`/`_offset` and narrowed by `_since`
 * and `_type`. Reads go through the same scoped, audited repositories
 * as the searches, so a member's app gets its member only and a provider its patients only.
 * Resources another payer sent for the member (Payer-to-Payer import) come on the first page,
 * each with its source in `meta`, and one Provenance per import naming the payer, the export and
 * when it was received.
 * https://hl7.org/fhir/R4/patient-operation-everything.html · https://hl7.org/fhir/us/davinci-pdex/STU2/
 */
import { smartScopeAllows, TandemError } from '@tandem/core';
import { clinicalOrder, coverageResource, dateBounds, eobResource, paramList, patientResource, searchBundle, US_CORE_CLINICAL_TYPES } from '@tandem/fhir';
import { listImportedResources, memberClinicalData, searchClaimsWithLines, searchCoverages, searchMembers, searchPriorAuthEobs } from '@tandem/store';
import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoDate, type Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { requestOrigin } from '../../http/request-origin.ts';
import { clinicalResourcesOf, importProvenances, priorAuthEobOf } from './clinical-rows.ts';
import { coverageInputOf, eobInputOf } from './eob-rows.ts';
import { requireScope } from './fhir-routes.ts';

// Provenance is among the US Core types: one per provider submission, and one per Payer-to-Payer import.
const TYPES = ['Patient', 'Coverage', 'ExplanationOfBenefit', ...US_CORE_CLINICAL_TYPES] as const;
const PARAMS = ['_since', '_type', '_count', '_offset', '_format'];

/** One paged source: its total, and a page of it from an offset. */
interface Segment {
  fetch(offset: number, limit: number): Promise<{ total: number; items: Resource[] }>;
}

export function patientEverythingRoutes(app: FastifyInstance, deps: Deps) {
  app.get<{ Params: { id: string }; Querystring: Record<string, string | string[] | undefined> }>(
    '/fhir/Patient/:id/$everything',
    { schema: { summary: "Patient/$everything: the member's Patient, Coverage, ExplanationOfBenefit (claims and prior authorizations) and US Core clinical resources (paged)" } },
    async (request, reply) => {
      const q = request.query;
      for (const k of Object.keys(q)) if (!PARAMS.includes(k)) throw new TandemError('INVALID_REQUEST', `unsupported parameter '${k}' (supported: ${PARAMS.join(', ')})`);
      const types = paramList(q['_type']);
      for (const t of types) if (!(TYPES as readonly string[]).includes(t)) throw new TandemError('INVALID_REQUEST', `_type ${t} is not part of $everything here (supported: ${TYPES.join(', ')})`);
      // Named types need a scope each; without _type, a SMART token gets the types its scopes cover.
      const scopes = access(request).smartScopes;
      const wanted = (t: string) => (types.length ? types.includes(t) : scopes === undefined || smartScopeAllows(scopes, t, 'read'));
      for (const t of types) if (t !== 'Provenance') requireScope(request, t, 'read');
      const count = q['_count'] === undefined ? 50 : Number(q['_count']);
      const offset = q['_offset'] === undefined ? 0 : Number(q['_offset']);
      if (!Number.isInteger(count) || count < 1 || count > 200) throw new TandemError('INVALID_REQUEST', '_count must be an integer from 1 to 200');
      if (!Number.isInteger(offset) || offset < 0) throw new TandemError('INVALID_REQUEST', '_offset must be a non-negative integer');
      const since = dateBounds('_since', q['_since']).map((b) => ({ ...b, op: 'ge' as const }));
      const ctx = access(request);
      const db = deps.store.db;
      const { rows: members } = await searchMembers(db, ctx, { key: request.params.id, limit: 1, offset: 0 });
      const m = members[0];
      if (!m) throw new TandemError('NOT_FOUND', `Patient/${request.params.id}`);
      const today = isoDate(deps.clock());
      const head: Resource[] = [];
      // The member and their coverage lead the first page; later pages carry the paged resources only.
      if (offset === 0 && wanted('Patient')) head.push(patientResource({ key: m.key, payerOrgId: m.payer_org_id, memberId: m.member_id, subscriberKey: m.subscriber_key, relationship: m.relationship as 'self', firstName: m.first_name, lastName: m.last_name, dateOfBirth: m.date_of_birth, gender: m.gender as 'M' }));
      if (offset === 0 && wanted('Coverage')) head.push(...(await searchCoverages(db, ctx, { memberKey: m.key, limit: 1000, offset: 0 })).rows.map((c) => coverageResource(coverageInputOf(c), today)));
      // Resources another payer sent (Payer-to-Payer import) are kept as it sent them (any FHIR type).
      if (offset === 0) head.push(...((await importedForMember(deps, ctx, m.key, types)) as unknown as Resource[]));
      // Paged, in this order: claims EOBs, prior-authorization EOBs, then the clinical resources.
      const segments: Segment[] = [];
      if (wanted('ExplanationOfBenefit')) {
        segments.push({ fetch: async (off, limit) => {
          const r = await searchClaimsWithLines(db, ctx, { memberKey: m.key, lastUpdated: since, limit, offset: off });
          return { total: r.total, items: r.claims.map(eobInputOf).map(eobResource) };
        } });
        segments.push({ fetch: async (off, limit) => {
          const r = await searchPriorAuthEobs(db, ctx, { memberKey: m.key, lastUpdated: since, limit, offset: off });
          return { total: r.total, items: r.rows.map(priorAuthEobOf) };
        } });
      }
      const clinicalTypes = US_CORE_CLINICAL_TYPES.filter(wanted);
      if (clinicalTypes.length) {
        segments.push({ fetch: async (off, limit) => {
          const data = await memberClinicalData(db, ctx, m.key, clinicalTypes, { action: 'search', resourceType: 'Patient/$everything' });
          const sinceAt = since[0]?.value;
          const all = clinicalResourcesOf(clinicalTypes, data.claims, data.submitted, access(request).smartScopes)
            .filter((r) => sinceAt === undefined || String((r['meta'] as { lastUpdated?: string }).lastUpdated ?? '') >= sinceAt)
            .sort((a, b) => clinicalTypes.indexOf(a.resourceType as never) - clinicalTypes.indexOf(b.resourceType as never) || clinicalOrder(a, b));
          return { total: all.length, items: all.slice(off, off + limit) as Resource[] };
        } });
      }
      let total = 0;
      let skip = offset;
      const paged: Resource[] = [];
      for (const s of segments) {
        const r = await s.fetch(Math.max(0, skip), count - paged.length);
        total += r.total;
        paged.push(...r.items);
        skip -= r.total;
      }
      if (!segments.length) total = head.length;
      return reply.type('application/fhir+json').send(searchBundle([...head, ...paged], total, selfUrl(request), offset, count));
    },
  );
}

function selfUrl(request: FastifyRequest): URL {
  return new URL(request.url, requestOrigin(request));
}

/**
 * The member's resources from other payers (not their Patient: the member is ours) and a
 * Provenance per import. A SMART token sees the types its scopes allow.
 */
async function importedForMember(deps: Deps, ctx: ReturnType<typeof access>, memberKey: string, types: readonly string[]): Promise<Array<Record<string, unknown>>> {
  const { resources, imports } = await listImportedResources(deps.store.db, ctx, memberKey);
  const allowed = (t: string) => (types.length === 0 || types.includes(t)) && (ctx.smartScopes === undefined || smartScopeAllows(ctx.smartScopes, t, 'read'));
  const shown = resources.filter((r) => r.resource_type !== 'Patient' && allowed(r.resource_type));
  const out: Array<Record<string, unknown>> = shown.map((r) => r.resource);
  if (allowed('Provenance')) out.push(...importProvenances(imports, shown));
  return out;
}
