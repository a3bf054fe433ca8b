/**
 * Provider Access operations on /fhir beyond the export: PDex `Group/$provider-member-match`
 * and the Da Vinci ATR operations on a contract's attribution list (`$member-add`,
 * `$member-remove`, `$attribution-status`, `$confirm-attribution-list`).
 * https://hl7.org/fhir/us/davinci-pdex/OperationDefinition-ProviderMemberMatch.html
 * https://hl7.org/fhir/us/davinci-atr/STU2/operations.html
 */
import { smartScopeAllows, TandemError } from '@tandem/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoDate, type Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { attributionStatus, changeRoster, confirmAttributionList } from '../../use-cases/atr-operations.ts';
import { providerMemberMatch } from '../../use-cases/provider-member-match.ts';

const FHIR_JSON = 'application/fhir+json';

/** A SMART backend token needs every listed read scope (the operations read and disclose these types). */
function requireScopes(request: FastifyRequest, types: readonly string[]): void {
  const scopes = access(request).smartScopes;
  if (scopes === undefined) return;
  for (const t of types) if (!smartScopeAllows(scopes, t, 'read')) throw new TandemError('FORBIDDEN', `the access token has no scope to read ${t}`);
}

/**
 * A SMART backend token needs a scope to update Group (`system/Group.u`, v1 `system/Group.write`):
 * `$member-add`/`$member-remove` change the list. Only the payer's own systems are granted one.
 */
function requireUpdateScope(request: FastifyRequest): void {
  const scopes = access(request).smartScopes;
  if (scopes !== undefined && !smartScopeAllows(scopes, 'Group', 'update')) throw new TandemError('FORBIDDEN', 'the access token has no scope to update Group (system/Group.u); the payer\'s own systems are granted it');
}

export function providerAccessRoutes(app: FastifyInstance, deps: Deps) {
  app.post('/fhir/Group/$provider-member-match', { bodyLimit: 32 * 1024 * 1024, schema: { summary: 'PDex $provider-member-match: match members with a treatment attestation; answers MatchedMembers, NonMatchedMembers and ConsentConstrainedMembers Groups' } }, async (request, reply) => {
    requireScopes(request, ['Patient', 'Group']);
    const r = await providerMemberMatch(deps.store.db, access(request), request.body, isoDate(deps.clock()));
    return reply.type(FHIR_JSON).send(r.parameters);
  });

  type Id = { Params: { id: string } };
  app.post<Id>('/fhir/Group/:id/$member-add', { schema: { summary: 'ATR $member-add (payer, or its own system with system/Group.u): add a member to the attribution list, with reason and attributionPeriod' } }, async (request, reply) => {
    requireUpdateScope(request);
    return reply.type(FHIR_JSON).send(await changeRoster(deps.store.db, access(request), request.params.id, 'add', request.body));
  });
  app.post<Id>('/fhir/Group/:id/$member-remove', { schema: { summary: 'ATR $member-remove (payer, or its own system with system/Group.u): remove a member from the attribution list, with reason' } }, async (request, reply) => {
    requireUpdateScope(request);
    return reply.type(FHIR_JSON).send(await changeRoster(deps.store.db, access(request), request.params.id, 'remove', request.body));
  });
  app.post<Id>('/fhir/Group/:id/$confirm-attribution-list', { schema: { summary: 'ATR $confirm-attribution-list (provider): confirm the list as it stands' } }, async (request, reply) => {
    requireScopes(request, ['Group']);
    return reply.type(FHIR_JSON).send(await confirmAttributionList(deps.store.db, access(request), request.params.id));
  });
  app.post<Id>('/fhir/Group/:id/$attribution-status', { schema: { summary: 'ATR $attribution-status: the list state of the given members (memberId / patientReference)' } }, async (request, reply) => {
    requireScopes(request, ['Group', 'Patient']);
    return reply.type(FHIR_JSON).send(await attributionStatus(deps.store.db, access(request), request.params.id, request.body));
  });
  // The same with query parameters (?memberId=…&patientReference=Patient/…), as FHIR allows for operations that change nothing.
  app.get<Id & { Querystring: Record<string, string | string[] | undefined> }>('/fhir/Group/:id/$attribution-status', { schema: { summary: 'ATR $attribution-status with query parameters' } }, async (request, reply) => {
    requireScopes(request, ['Group', 'Patient']);
    const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    for (const k of Object.keys(request.query)) if (k !== 'memberId' && k !== 'patientReference') throw new TandemError('INVALID_REQUEST', `unsupported parameter '${k}' (memberId, patientReference)`);
    const parameter = [
      ...list(request.query['memberId']).map((v) => ({ name: 'memberId', valueIdentifier: { value: v.includes('|') ? v.split('|')[1] : v } })),
      ...list(request.query['patientReference']).map((v) => ({ name: 'patientReference', valueReference: { reference: v } })),
    ];
    return reply.type(FHIR_JSON).send(await attributionStatus(deps.store.db, access(request), request.params.id, { resourceType: 'Parameters', parameter }));
  });
}
