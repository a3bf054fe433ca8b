/**
 * US Core 6.1 directory resources on /fhir, from Tandem's provider registry: Practitioner,
 * PractitionerRole, Organization, Location and Endpoint — read by id and searched with the
 * parameters the PDex Patient Access statement (pdex-server-6-1) asks for, paged like the other
 * searches; `_include=PractitionerRole:practitioner|organization|location|endpoint`.
 * Directory data names no member: any signed-in caller may read it, a SMART token with a scope
 * for the type (`patient/Practitioner.rs`, `system/Organization.rs`, …); nothing is audited.
 * https://hl7.org/fhir/us/core/STU6.1/CapabilityStatement-us-core-server.html
 */
import { smartScopeAllows, TandemError } from '@tandem/core';
import {
  andOfOr, includeTargets, locationResource, organizationResource, PRACTITIONER_ROLE_INCLUDES, practitionerResource, practitionerRoleResource, searchBundle, searchPaging,
  tandemEndpoint, TANDEM_ENDPOINT_ID, US_CORE_DIRECTORY_SEARCH_PARAMS, type PractitionerInput, type UsCoreDirectoryType,
} from '@tandem/fhir';
import { searchOrganizationDirectory, searchPractitionerDirectory, type Db } from '@tandem/store';
import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { requestOrigin } from '../../http/request-origin.ts';
import { checkDirectoryParams, locationFilter, organizationFilter, practitionerFilter, practitionerRoleFilter } from './directory-filters.ts';
import { requireScope } from './fhir-routes.ts';

type Query = Record<string, string | string[] | undefined>;
type Page = { offset: number; count: number };
type Found = { total: number; resources: Resource[]; included?: Resource[] };

const FHIR_JSON = 'application/fhir+json';
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

const fhirBase = (request: FastifyRequest) => `${requestOrigin(request)}/fhir`;
const selfUrl = (request: FastifyRequest) => new URL(request.url, requestOrigin(request));

/**
 * An Organization as the directory shows it to any signed-in caller: without its tax id, which an
 * EOB names only to those who may see that claim (a solo practitioner's TIN may be an SSN).
 */
const directoryOrganization = (o: Parameters<typeof organizationResource>[0]) => organizationResource({ ...o, tin: null });

type PractitionerRow = Awaited<ReturnType<typeof searchPractitionerDirectory>>['rows'][number];
const practitionerOf = (r: PractitionerRow): PractitionerInput => ({ id: r.id, npi: r.npi, firstName: r.first_name, lastName: r.last_name, taxonomy: r.taxonomy, specialty: r.specialty, orgId: r.org_id, orgName: r.org_name });

/** The resources a PractitionerRole page includes, each once: its practitioners, organizations, care sites, Tandem's endpoint. */
async function roleIncludes(db: Db, rows: readonly PractitionerRow[], targets: readonly string[], base: string): Promise<Resource[]> {
  const out: Resource[] = [];
  if (targets.includes('practitioner')) out.push(...rows.map((r) => practitionerResource(practitionerOf(r))));
  const orgIds = [...new Set(rows.map((r) => r.org_id))];
  if (orgIds.length && (targets.includes('organization') || targets.includes('location'))) {
    const { rows: orgs } = await searchOrganizationDirectory(db, { where: [orgIds.map((id) => ({ op: 'eq' as const, column: 'id' as const, value: id }))], limit: orgIds.length, offset: 0 });
    if (targets.includes('organization')) out.push(...orgs.map(directoryOrganization));
    if (targets.includes('location')) out.push(...orgs.filter((o) => o.kind === 'provider').map((o) => locationResource({ id: o.id, name: o.name, providerType: o.provider_type })));
  }
  if (targets.includes('endpoint') && rows.length) out.push(tandemEndpoint(base));
  return out;
}

export function directoryRoutes(app: FastifyInstance, deps: Deps) {
  const db = deps.store.db;
  const search: Record<UsCoreDirectoryType, (request: FastifyRequest, q: Query, page: Page) => Promise<Found>> = {
    Practitioner: async (_request, q, { offset, count }) => {
      const { total, rows } = await searchPractitionerDirectory(db, { where: practitionerFilter(q), limit: count, offset });
      return { total, resources: rows.map((r) => practitionerResource(practitionerOf(r))) };
    },
    PractitionerRole: async (request, q, { offset, count }) => {
      const targets = includeTargets('PractitionerRole', q['_include'], PRACTITIONER_ROLE_INCLUDES);
      const { total, rows } = await searchPractitionerDirectory(db, { where: practitionerRoleFilter(q, fhirBase(request)), limit: count, offset });
      return { total, resources: rows.map((r) => practitionerRoleResource(practitionerOf(r))), included: await roleIncludes(db, rows, targets, fhirBase(request)) };
    },
    Organization: async (_request, q, { offset, count }) => {
      const { total, rows } = await searchOrganizationDirectory(db, { where: organizationFilter(q), limit: count, offset });
      return { total, resources: rows.map(directoryOrganization) };
    },
    Location: async (_request, q, { offset, count }) => {
      const { total, rows } = await searchOrganizationDirectory(db, { where: locationFilter(q), providersOnly: true, limit: count, offset });
      return { total, resources: rows.map((o) => locationResource({ id: o.id, name: o.name, providerType: o.provider_type })) };
    },
    // One Endpoint: Tandem's FHIR base.
    Endpoint: async (request, q, { offset, count }) => {
      const ids = andOfOr(q['_id']);
      if (ids.some((or) => or.includes(''))) throw new TandemError('INVALID_REQUEST', '_id: an empty value');
      const all = ids.every((or) => or.includes(TANDEM_ENDPOINT_ID)) ? [tandemEndpoint(fhirBase(request))] : [];
      return { total: all.length, resources: all.slice(offset, offset + count) };
    },
  };

  for (const type of Object.keys(US_CORE_DIRECTORY_SEARCH_PARAMS) as UsCoreDirectoryType[]) {
    const includes = type === 'PractitionerRole' ? PRACTITIONER_ROLE_INCLUDES.map((i) => `PractitionerRole:${i}`) : [];
    // The CapabilityStatements declare these from the route's config (http/fhir-route-table.ts).
    const fhir = { searchParams: [...US_CORE_DIRECTORY_SEARCH_PARAMS[type]], ...(includes.length ? { searchInclude: [...includes, 'PractitionerRole:*'] } : {}) };
    app.get<{ Querystring: Query }>(`/fhir/${type}`, { config: { fhir }, schema: { summary: `Search ${type} (US Core 6.1 directory, from the provider registry)` } }, async (request, reply) => {
      requireScope(request, type, 'search');
      checkDirectoryParams(type, request.query, includes.length ? ['_include'] : []);
      const page = searchPaging(request.query);
      const r = await search[type](request, request.query, page);
      // A SMART token gets included resources of the types its scopes cover only.
      const scopes = access(request).smartScopes;
      const included = (r.included ?? []).filter((x) => scopes === undefined || smartScopeAllows(scopes, x.resourceType, 'read'));
      return reply.type(FHIR_JSON).send(searchBundle(r.resources, r.total, selfUrl(request), page.offset, page.count, included));
    });
    app.get<{ Params: { id: string } }>(`/fhir/${type}/:id`, { schema: { summary: `Read ${type} (US Core 6.1 directory)` } }, async (request, reply) => {
      requireScope(request, type, 'read');
      if (!ID.test(request.params.id)) throw new TandemError('INVALID_REQUEST', `'${request.params.id}' is not a valid FHIR id`);
      const { resources } = await search[type](request, { _id: request.params.id }, { offset: 0, count: 1 });
      if (resources.length === 0) throw new TandemError('NOT_FOUND', `${type}/${request.params.id}`);
      return reply.type(FHIR_JSON).send(resources[0]);
    });
  }
}
