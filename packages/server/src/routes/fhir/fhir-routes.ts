/**
 * FHIR R4 read and search for Patient, Coverage and ExplanationOfBenefit (CARIN Blue
 * Button shapes), generated from the store on each request. Errors are OperationOutcomes.
 * https://hl7.org/fhir/R4/http.html
 */
import { smartScopeAllows, TandemError, type Member } from '@tandem/core';
import { attributionGroup, capabilityStatement, coverageResource, eobResource, patientResource, searchBundle } from '@tandem/fhir';
import { searchClaimsWithLines, searchCoverages, searchMembers, searchRosters } from '@tandem/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoDate, type Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';

const FHIR_JSON = 'application/fhir+json';
const MAX_COUNT = 200;

type Query = Record<string, string | undefined>;

function paging(q: Query): { offset: number; count: number } {
  const count = q['_count'] === undefined ? 50 : Number(q['_count']);
  const offset = q['_offset'] === undefined ? 0 : Number(q['_offset']);
  if (!Number.isInteger(count) || count < 0 || count > MAX_COUNT) throw new TandemError('INVALID_REQUEST', `_count must be an integer from 0 to ${MAX_COUNT}`);
  if (!Number.isInteger(offset) || offset < 0) throw new TandemError('INVALID_REQUEST', '_offset must be a non-negative integer');
  return { offset, count };
}

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
  return new URL(request.url, `${request.protocol}://${request.headers.host ?? 'localhost'}`);
}

function toMember(r: { key: string; payer_org_id: string; member_id: string; subscriber_key: string; relationship: string; first_name: string; last_name: string; date_of_birth: string; gender: string }): Member {
  return { key: r.key, payerOrgId: r.payer_org_id, memberId: r.member_id, subscriberKey: r.subscriber_key, relationship: r.relationship as Member['relationship'], firstName: r.first_name, lastName: r.last_name, dateOfBirth: r.date_of_birth, gender: r.gender as Member['gender'] };
}

/** A SMART token reaches a resource type only through a granted scope (patient/*.rs, system/ExplanationOfBenefit.rs, …). */
export function requireScope(request: FastifyRequest, type: string, interaction: 'read' | 'search'): void {
  const scopes = access(request).smartScopes;
  if (scopes !== undefined && !smartScopeAllows(scopes, type, interaction)) throw new TandemError('FORBIDDEN', `the access token has no scope to ${interaction} ${type}`);
}

export function fhirRoutes(app: FastifyInstance, deps: Deps, version: string) {
  app.get('/fhir/metadata', { config: { public: true }, schema: { summary: 'FHIR CapabilityStatement (public)' } }, async (request, reply) =>
    reply.type(FHIR_JSON).send(capabilityStatement(`${selfUrl(request).origin}/fhir`, version, deps.clock().toISOString())),
  );

  const patients = async (request: FastifyRequest, q: Query, id?: string) => {
    const { offset, count } = paging(q);
    const { total, rows } = await searchMembers(deps.store.db, access(request), {
      key: id ?? tokenValue(q['_id']), memberId: tokenValue(q['identifier']), name: q['name'], birthdate: q['birthdate'], gender: q['gender'], limit: count, offset,
    });
    return { total, resources: rows.map((r) => patientResource(toMember(r))), offset, count };
  };
  const coverages = async (request: FastifyRequest, q: Query, id?: string) => {
    const { offset, count } = paging(q);
    const { total, rows } = await searchCoverages(deps.store.db, access(request), { id: id ?? tokenValue(q['_id']), memberKey: refId(q['patient'] ?? q['beneficiary'], 'Patient'), limit: count, offset });
    const today = isoDate(deps.clock());
    return {
      total, offset, count,
      resources: rows.map((r) => coverageResource({ id: r.id, memberKey: r.member_key, subscriberKey: r.subscriber_key, memberId: r.member_id, relationship: r.relationship, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, planId: r.plan_id, planName: r.plan_name, lineOfBusiness: r.line_of_business, payerId: r.payer_id, payerName: r.payer_name }, today)),
    };
  };
  const eobs = async (request: FastifyRequest, q: Query, id?: string) => {
    const { offset, count } = paging(q);
    const { total, claims } = await searchClaimsWithLines(deps.store.db, access(request), { id: id ?? tokenValue(q['_id']), memberKey: refId(q['patient'], 'Patient'), limit: count, offset });
    return {
      total, offset, count,
      resources: claims.map((c) => {
        const r = c as unknown as Record<string, unknown> & { lines: Array<Record<string, unknown>> };
        return eobResource({
          id: r['id'] as string, kind: r['kind'] as 'professional', status: r['status'] as string, memberKey: r['member_key'] as string, coverageId: (r['coverage_id'] as string | null) ?? null,
          payerOrgId: r['payer_org_id'] as string, payerName: (r['payer_name'] as string | null) ?? null, providerOrgId: (r['provider_org_id'] as string | null) ?? null,
          providerName: ((r['provider_name'] as string | null) ?? (r['billing_name'] as string)), billingNpi: r['billing_npi'] as string | null,
          patientControlNumber: r['patient_control_number'] as string, receivedAt: r['received_at'] as string, serviceDateFrom: r['service_date_from'] as string,
          serviceDateTo: r['service_date_to'] as string, network: r['network'] as string | null, typeOfBill: r['type_of_bill'] as string | null, placeOfService: r['place_of_service'] as string | null,
          diagnoses: r['diagnoses'] as Array<{ qualifier: string; code: string }>, billedCents: r['billed_cents'] as number, allowedCents: r['allowed_cents'] as number,
          paidCents: r['paid_cents'] as number, patientRespCents: r['patient_resp_cents'] as number,
          lines: r.lines.map((l) => ({
            lineNumber: l['line_number'] as number, procedureCode: l['procedure_code'] as string | null, modifiers: l['modifiers'] as string[], revenueCode: l['revenue_code'] as string | null,
            units: l['units'] as string, serviceDateFrom: l['service_date_from'] as string, serviceDateTo: l['service_date_to'] as string, billedCents: l['billed_cents'] as number,
            allowedCents: l['allowed_cents'] as number, deductibleCents: l['deductible_cents'] as number, copayCents: l['copay_cents'] as number, coinsuranceCents: l['coinsurance_cents'] as number,
            patientRespCents: l['patient_resp_cents'] as number, paidCents: l['paid_cents'] as number, adjustments: l['adjustments'] as Array<{ group: string; carc: string; amountCents: number }>, remarks: l['remarks'] as string[],
          })),
        });
      }),
    };
  };

  const groups = async (request: FastifyRequest, q: Query, id?: string) => {
    const { offset, count } = paging(q);
    const { total, groups: rows } = await searchRosters(deps.store.db, access(request), { contractId: id ?? tokenValue(q['_id']), limit: count, offset });
    return {
      total, offset, count,
      resources: rows.map((g) => attributionGroup({
        contractId: g.contract.id, contractName: g.contract.name, payerOrgId: g.contract.payer_org_id, providerOrgId: g.contract.provider_org_id,
        contractFrom: String(g.contract.effective_from).slice(0, 10), contractTo: g.contract.effective_to ? String(g.contract.effective_to).slice(0, 10) : null, run: g.run, members: g.members,
      })),
    };
  };

  const types = {
    Patient: { search: patients, params: ['_id', 'identifier', 'name', 'birthdate', 'gender'] },
    Coverage: { search: coverages, params: ['_id', 'patient', 'beneficiary'] },
    ExplanationOfBenefit: { search: eobs, params: ['_id', 'patient'] },
    Group: { search: groups, params: ['_id'] },
  } as const;

  for (const [type, def] of Object.entries(types)) {
    app.get<{ Querystring: Query }>(`/fhir/${type}`, { schema: { summary: `Search ${type}` } }, async (request, reply) => {
      requireScope(request, type, 'search');
      checkParams(request.query, def.params);
      const { total, resources, offset, count } = await def.search(request, request.query);
      return reply.type(FHIR_JSON).send(searchBundle(resources, total, selfUrl(request), offset, count));
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
    throw new TandemError('NOT_FOUND', 'resource type or operation (supported: Patient, Coverage, ExplanationOfBenefit, Group, metadata)');
  });
}
