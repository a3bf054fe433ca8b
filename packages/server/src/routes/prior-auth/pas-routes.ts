/**
 * Da Vinci PAS over FHIR: `Claim/$submit` (submit, update, cancel), `Claim/$inquire`,
 * `ClaimResponse/{id}`, and R4-backport `Subscription` (rest-hook, full-resource) for
 * decisions on pended requests. A malformed Bundle gets an OperationOutcome naming every defect.
 * http://hl7.org/fhir/us/davinci-pas/STU2/OperationDefinition-Claim-submit.html
 */
import type { Claim, Subscription } from '@medplum/fhirtypes';
import { TandemError } from '@tandem/core';
import { pasMemberNotFound, pasResponseBundle, readPasRequest } from '@tandem/fhir';
import { findPriorAuthId, getPriorAuth, getSubscription, insertSubscription, recordAudit, reserveNumbers, setSubscriptionStatus } from '@tandem/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoDate, type Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { requestOrigin } from '../../http/request-origin.ts';
import { PAS_TOPIC } from '../../use-cases/prior-auth/notify-subscribers.ts';
import { submitPriorAuth } from '../../use-cases/prior-auth/submit-prior-auth.ts';

const FHIR_JSON = 'application/fhir+json';
const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition';

export function fhirBase(request: FastifyRequest): string {
  return `${requestOrigin(request)}/fhir`;
}

export function pasRoutes(app: FastifyInstance, deps: Deps) {
  app.post<{ Body: unknown }>('/fhir/Claim/$submit', { schema: { summary: 'Da Vinci PAS: submit, update or cancel a prior authorization request (PAS request Bundle → response Bundle)' } }, async (request, reply) => {
    const now = deps.clock();
    const parsed = readPasRequest(request.body, isoDate(now));
    if ('issues' in parsed) throw new TandemError('INVALID_REQUEST', parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '), parsed.issues.map((i) => i.path));
    const insurerId = insurerIdentifier(request.body, parsed.claim);
    const out = await submitPriorAuth(deps, access(request), parsed.request, 'fhir', request.body as Record<string, unknown>, insurerId);
    const o = { base: fhirBase(request), timestamp: now.toISOString() };
    if (out.kind === 'member-not-found') return reply.type(FHIR_JSON).send(pasMemberNotFound(parsed.request.submitterRef, { ...o, insurerName: out.payerName }));
    return reply.status(200).type(FHIR_JSON).send(pasResponseBundle(out.view, o));
  });

  app.post<{ Body: unknown }>('/fhir/Claim/$inquire', { schema: { summary: 'Da Vinci PAS: the current state of a prior authorization request (PAS inquiry Bundle → response Bundle)' } }, async (request, reply) => {
    const b = request.body as { resourceType?: string; entry?: Array<{ resource?: Claim }> };
    const claim = b?.resourceType === 'Bundle' ? b.entry?.[0]?.resource : undefined;
    if (!claim || claim.resourceType !== 'Claim') throw new TandemError('INVALID_REQUEST', 'Bundle.entry[0].resource: the first entry of a PAS inquiry Bundle must be a Claim', ['Bundle.entry[0].resource']);
    const refs = [...(claim.identifier ?? []).map((i) => i.value), ...(claim.insurance ?? []).flatMap((i) => i.preAuthRef ?? [])].filter((x): x is string => !!x);
    if (refs.length === 0) throw new TandemError('INVALID_REQUEST', 'Bundle.entry[0].resource.identifier: send the request\'s identifier or insurance.preAuthRef', ['Bundle.entry[0].resource.identifier']);
    const ctx = access(request);
    let id: string | null = null;
    for (const r of refs) if ((id = await findPriorAuthId(deps.store.db, ctx, r))) break;
    const view = id ? await getPriorAuth(deps.store.db, ctx, id, deps.clock()) : null;
    if (!view) throw new TandemError('NOT_FOUND', `Prior authorization request ${refs.join(' / ')}`);
    return reply.type(FHIR_JSON).send(pasResponseBundle(view, { base: fhirBase(request), timestamp: deps.clock().toISOString() }));
  });

  app.get<{ Params: { id: string } }>('/fhir/ClaimResponse/:id', { schema: { summary: 'Read the ClaimResponse of a prior authorization request' } }, async (request, reply) => {
    const view = await getPriorAuth(deps.store.db, access(request), request.params.id, deps.clock());
    if (!view) throw new TandemError('NOT_FOUND', `ClaimResponse/${request.params.id}`);
    return reply.type(FHIR_JSON).send(pasResponseBundle(view, { base: fhirBase(request), timestamp: deps.clock().toISOString() }).entry![0]!.resource);
  });

  app.post<{ Body: Subscription }>('/fhir/Subscription', { schema: { summary: 'Subscribe to decisions on your prior authorization requests (R4 backport, rest-hook, full-resource)' } }, async (request, reply) => {
    const ctx = access(request);
    const s = request.body;
    const problems: Array<[string, string]> = [];
    if (s?.resourceType !== 'Subscription') throw new TandemError('INVALID_REQUEST', 'Subscription: the body must be a Subscription resource', ['Subscription']);
    if (s.criteria !== PAS_TOPIC) problems.push(['Subscription.criteria', `only the PAS topic ${PAS_TOPIC} is offered`]);
    if (s.channel?.type !== 'rest-hook') problems.push(['Subscription.channel.type', 'only rest-hook channels are supported']);
    const endpoint = s.channel?.endpoint ?? '';
    if (!/^https?:\/\/[^\s]+$/.test(endpoint)) problems.push(['Subscription.channel.endpoint', 'an http(s) URL is required']);
    const content = (s.channel as { _payload?: { extension?: Array<{ url: string; valueCode?: string }> } } | undefined)?._payload?.extension?.find((e) => e.url === `${BACKPORT}/backport-payload-content`)?.valueCode ?? 'full-resource';
    if (content !== 'full-resource') problems.push(['Subscription.channel.payload', `payload content '${content}' is not supported (full-resource only)`]);
    if (problems.length) throw new TandemError('INVALID_REQUEST', problems.map(([p, m]) => `${p}: ${m}`).join('; '), problems.map(([p]) => p));
    const now = deps.clock();
    const id = `sub-${String(await reserveNumbers(deps.store.db, 'fhir-subscription', 1)).padStart(6, '0')}`;
    const filter = (s as { _criteria?: { extension?: Array<{ url: string; valueString?: string }> } })._criteria?.extension?.find((e) => e.url === `${BACKPORT}/backport-filter-criteria`)?.valueString ?? null;
    const resource = { ...s, id, status: 'active' as const };
    await insertSubscription(deps.store.db, { id, orgId: ctx.orgId, topic: PAS_TOPIC, filter, endpoint, headers: s.channel?.header ?? [], resource, createdAt: now.toISOString() });
    await recordAudit(deps.store.db, ctx, { action: 'create', resourceType: 'Subscription', resourceId: id, detail: { endpoint } });
    return reply.status(201).header('location', `${fhirBase(request)}/Subscription/${id}`).type(FHIR_JSON).send(resource);
  });

  app.get<{ Params: { id: string } }>('/fhir/Subscription/:id', { schema: { summary: 'Read one of your subscriptions' } }, async (request, reply) => {
    const row = await getSubscription(deps.store.db, access(request), request.params.id);
    if (!row) throw new TandemError('NOT_FOUND', `Subscription/${request.params.id}`);
    return reply.type(FHIR_JSON).send({ ...row.resource, status: row.status, id: row.id });
  });

  app.delete<{ Params: { id: string } }>('/fhir/Subscription/:id', { schema: { summary: 'Turn one of your subscriptions off' } }, async (request, reply) => {
    if (!(await setSubscriptionStatus(deps.store.db, access(request), request.params.id, 'off'))) throw new TandemError('NOT_FOUND', `Subscription/${request.params.id}`);
    return reply.status(204).send();
  });
}

/** The insurer's identifier (payer id or NPI) from the Claim's referenced Organization, to pick the payer. */
function insurerIdentifier(body: unknown, claim: Claim): string | null {
  const ref = claim.insurer?.reference;
  const entries = (body as { entry?: Array<{ fullUrl?: string; resource?: { resourceType: string; id?: string; identifier?: Array<{ value?: string }> } }> }).entry ?? [];
  const org = entries.find((e) => e.resource?.resourceType === 'Organization' && (e.fullUrl === ref || e.fullUrl?.endsWith(`/${ref}`) || `Organization/${e.resource.id}` === ref));
  return org?.resource?.identifier?.find((i) => i.value)?.value ?? null;
}
