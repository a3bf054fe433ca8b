/**
 * FHIR R4 read and search for Patient, Coverage and ExplanationOfBenefit (CARIN Blue
 * Button shapes; prior authorizations as PDex Prior Authorization EOBs), generated from the
 * store on each request. Errors are OperationOutcomes.
 * https://hl7.org/fhir/R4/http.html
 */
import { smartScopeAllows, TandemError, type Member } from '@tandem/core';
import { coverageResource, dateBounds, eobResource, GROUP_SEARCH_MODIFIED, GROUP_SEARCH_PARAMS, includeTargets, patientResource, searchBundle, searchPaging } from '@tandem/fhir';
import { searchClaimsWithLines, searchCoverages, searchMembers, searchPriorAuthEobs } from '@tandem/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoDate, type Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { requestOrigin } from '../../http/request-origin.ts';
import { priorAuthEobOf } from './clinical-rows.ts';
import { EOB_INCLUDES, eobIncludes, eobInputOf } from './eob-rows.ts';
import { searchGroups } from '../../use-cases/group-search.ts';

const FHIR_JSON = 'application/fhir+json';

type Query = Record<string, string | undefined>;
// Repeated parameters (service-date=ge…&service-date=le…) arrive as arrays; the date and _include parsers take both.

/** Refuses search parameters we do not support instead of silently ignoring them (FHIR handling=strict). */
function checkParams(q: Query, allowed: readonly string[]): void {
  for (const k of Object.keys(q)) {
    if (k === '_count' || k === '_offset' || k === '_format') continue;
    if (!allowed.includes(k)) throw new TandemError('INVALID_REQUEST', `unsupported search parameter '${k}' (supported: ${allowed.join(', ')})`);
  }
}

/** `Patient/123` or `123` → `123`. */
function refId(v: string | undefined, type: string): string | undefined {
  if (v === undefined) return undefined;
  return v.startsWith(`${type}/`) ? v.slice(type.length + 1) : v;
}

function tokenValue(v: string | undefined): string | undefined {
  return v === undefined ? undefined : v.includes('|') ? v.split('|')[1] : v;
}

function selfUrl(request: FastifyRequest): URL {
  return new URL(request.url, requestOrigin(request));
}

function toMember(r: { key: string; payer_org_id: string; member_id: string; subscriber_key: string; relationship: string; first_name: string; last_name: string; date_of_birth: string; gender: string }): Member {
  return { key: r.key, payerOrgId: r.payer_org_id, memberId: r.member_id, subscriberKey: r.subscriber_key, relationship: r.relationship as Member['relationship'], firstName: r.first_name, lastName: r.last_name, dateOfBirth: r.date_of_birth, gender: r.gender as Member['gender'] };
}

/** A SMART token reaches a resource type only through a granted scope (patient/*.rs, system/ExplanationOfBenefit.rs, …). */
export function requireScope(request: FastifyRequest, type: string, interaction: 'read' | 'search'): void {
  const scopes = access(request).smartScopes;
  if (scopes !== undefined && !smartScopeAllows(scopes, type, interaction)) throw new TandemError('FORBIDDEN', `the access token has no scope to ${interaction} ${type}`);
}

export function fhirRoutes(app: FastifyInstance, deps: Deps) {
  const patients = async (request: FastifyRequest, q: Query, id?: string) => {
    const { offset, count } = searchPaging(q);
    const { total, rows } = await searchMembers(deps.store.db, access(request), {
      key: id ?? tokenValue(q['_id']), memberId: tokenValue(q['identifier']), name: q['name'], birthdate: dateBounds('birthdate', q['birthdate']), gender: q['gender'], limit: count, offset,
    });
    return { total, resources: rows.map((r) => patientResource(toMember(r))), offset, count };
  };
  const coverages = async (request: FastifyRequest, q: Query, id?: string) => {
    const { offset, count } = searchPaging(q);
    const { total, rows } = await searchCoverages(deps.store.db, access(request), { id: id ?? tokenValue(q['_id']), memberKey: refId(q['patient'] ?? q['beneficiary'], 'Patient'), limit: count, offset });
    const today = isoDate(deps.clock());
    return {
      total, offset, count,
      resources: rows.map((r) => coverageResource({ id: r.id, memberKey: r.member_key, subscriberKey: r.subscriber_key, memberId: r.member_id, relationship: r.relationship, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, planId: r.plan_id, planName: r.plan_name, lineOfBusiness: r.line_of_business, payerId: r.payer_id, payerName: r.payer_name }, today)),
    };
  };
  /**
   * Claims EOBs (CARIN Blue Button, `use` claim) then prior-authorization EOBs (PDex, `use`
   * preauthorization) as one paged list: a page takes claims first and fills up with prior
   * authorizations; `use` narrows to one kind.
   */
  const eobs = async (request: FastifyRequest, q: Query, id?: string) => {
    const { offset, count } = searchPaging(q);
    const use = tokenValue(q['use']);
    if (use !== undefined && use !== 'claim' && use !== 'preauthorization') throw new TandemError('INVALID_REQUEST', `use must be claim or preauthorization, not '${use}'`);
    const type = tokenValue(q['type']);
    const serviceDate = [...dateBounds('service-date', q['service-date']), ...dateBounds('service-start-date', q['service-start-date']), ...dateBounds('billable-period-start', q['billable-period-start'])];
    const lastUpdated = dateBounds('_lastUpdated', q['_lastUpdated']);
    const filter = { id: id ?? tokenValue(q['_id']), memberKey: refId(q['patient'], 'Patient'), identifier: tokenValue(q['identifier']), serviceDate, lastUpdated };
    const claimPart = use === 'preauthorization' ? { total: 0, claims: [] } : await searchClaimsWithLines(deps.store.db, access(request), { ...filter, type, limit: count, offset });
    // Prior authorizations are requests for professional services (PAS Claim type professional).
    const wantAuths = use !== 'claim' && (type === undefined || type === 'professional');
    const authPart = wantAuths
      ? await searchPriorAuthEobs(deps.store.db, access(request), { ...filter, limit: count - claimPart.claims.length, offset: Math.max(0, offset - claimPart.total) })
      : { total: 0, rows: [] };
    const authRows = authPart.rows.map((r) => ({ member_key: r.memberKey, coverage_id: r.coverageId, payer_org_id: r.payer.orgId, provider_org_id: r.provider.orgId, lines: [] }));
    return {
      total: claimPart.total + authPart.total, offset, count,
      resources: [...claimPart.claims.map(eobInputOf).map(eobResource), ...authPart.rows.map(priorAuthEobOf)],
      included: await eobIncludes(deps.store.db, access(request), [...claimPart.claims, ...authRows], includeTargets('ExplanationOfBenefit', q['_include'], EOB_INCLUDES), isoDate(deps.clock())),
    };
  };

  // Groups: attribution rosters (Da Vinci ATR), the payer's opt-out list and a provider's
  // $provider-member-match Groups, and the Groups a payer's own $bulk-member-match answered
  // (PDex; ids start with p2p-): use-cases/group-search.ts.
  const groups = async (request: FastifyRequest, q: Query, id?: string) => {
    const { offset, count } = searchPaging(q);
    const r = await searchGroups(deps.store.db, access(request), q, { id, offset, count, today: isoDate(deps.clock()), fhirBase: `${requestOrigin(request)}/fhir` });
    return { ...r, offset, count };
  };

  const types = {
    Patient: { search: patients, params: ['_id', 'identifier', 'name', 'birthdate', 'gender'] },
    Coverage: { search: coverages, params: ['_id', 'patient', 'beneficiary'] },
    ExplanationOfBenefit: { search: eobs, params: ['_id', 'patient', 'use', 'type', 'identifier', 'service-date', 'service-start-date', 'billable-period-start', '_lastUpdated', '_include'] },
    Group: { search: groups, params: [...GROUP_SEARCH_PARAMS, ...GROUP_SEARCH_MODIFIED] },
  } as const;

  for (const [type, def] of Object.entries(types)) {
    // The CapabilityStatements declare these parameters from the route's config (http/fhir-route-table.ts).
    const fhir = { searchParams: def.params.filter((p) => p !== '_include' && !p.includes(':')), ...(type === 'ExplanationOfBenefit' ? { searchInclude: [...EOB_INCLUDES.map((i) => `ExplanationOfBenefit:${i}`), 'ExplanationOfBenefit:*'] } : {}) };
    app.get<{ Querystring: Query }>(`/fhir/${type}`, { config: { fhir }, schema: { summary: `Search ${type}` } }, async (request, reply) => {
      requireScope(request, type, 'search');
      checkParams(request.query, def.params);
      const result = await def.search(request, request.query);
      const included = 'included' in result ? result.included : [];
      return reply.type(FHIR_JSON).send(searchBundle(result.resources, result.total, selfUrl(request), result.offset, result.count, included));
    });
    app.get<{ Params: { id: string } }>(`/fhir/${type}/:id`, { schema: { summary: `Read ${type}` } }, async (request, reply) => {
      requireScope(request, type, 'read');
      if (!/^[A-Za-z0-9\-.]{1,64}$/.test(request.params.id)) throw new TandemError('INVALID_REQUEST', `'${request.params.id}' is not a valid FHIR id`);
      const { resources } = await def.search(request, {}, request.params.id);
      if (resources.length === 0) throw new TandemError('NOT_FOUND', `${type}/${request.params.id}`);
      return reply.type(FHIR_JSON).send(resources[0]);
    });
  }

  // Anything else under /fhir is an unknown resource type.
  app.all('/fhir/*', {}, async () => {
    throw new TandemError('NOT_FOUND', 'resource type or operation (what is supported: GET /fhir/metadata)');
  });
}
