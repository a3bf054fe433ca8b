/**
 * The CapabilityStatements, public like every FHIR server's `metadata`:
 * - `/fhir/metadata`: the server's full statement;
 * - `/fhir/CapabilityStatement/tandem-patient-access`, `…/tandem-provider-access`,
 *   `…/tandem-payer-to-payer`: one per CMS-0057-F access API, each instantiating its PDex statement;
 * - `/fhir/CapabilityStatement`: the four as a searchset.
 * All are built on each request from the route table, so they follow the routes registered.
 * https://hl7.org/fhir/R4/http.html#capabilities
 */
import { TandemError } from '@tandem/core';
import { ACCESS_API_STATEMENTS, accessApiCapabilityStatement, capabilityStatement, searchBundle, type FhirRouteInfo } from '@tandem/fhir';
import { ACCESS_APIS } from '@tandem/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { requestOrigin } from '../../http/request-origin.ts';

const FHIR_JSON = 'application/fhir+json';

export function capabilityRoutes(app: FastifyInstance, deps: Deps, version: string, routes: readonly FhirRouteInfo[]) {
  const input = (request: FastifyRequest) => ({ baseUrl: `${requestOrigin(request)}/fhir`, version, date: deps.clock().toISOString(), routes });
  const byId = (request: FastifyRequest, id: string) => {
    if (id === 'tandem-server') return { ...capabilityStatement(input(request)), id };
    const api = ACCESS_APIS.find((a) => ACCESS_API_STATEMENTS[a].id === id);
    return api ? accessApiCapabilityStatement(api, input(request)) : undefined;
  };
  const ids = ['tandem-server', ...ACCESS_APIS.map((a) => ACCESS_API_STATEMENTS[a].id)];

  app.get('/fhir/metadata', { config: { public: true }, schema: { summary: "FHIR CapabilityStatement: everything this server routes (public)" } }, async (request, reply) =>
    reply.type(FHIR_JSON).send(capabilityStatement(input(request))),
  );
  app.get<{ Params: { id: string } }>('/fhir/CapabilityStatement/:id', { config: { public: true }, schema: { summary: 'A CapabilityStatement: tandem-server, tandem-patient-access, tandem-provider-access or tandem-payer-to-payer (public)' } }, async (request, reply) => {
    const cs = byId(request, request.params.id);
    if (!cs) throw new TandemError('NOT_FOUND', `CapabilityStatement/${request.params.id} (known: ${ids.join(', ')})`);
    return reply.type(FHIR_JSON).send(cs);
  });
  app.get('/fhir/CapabilityStatement', { config: { public: true }, schema: { summary: "The server's CapabilityStatements as a searchset (public)" } }, async (request, reply) => {
    const all = ids.map((id) => byId(request, id)!);
    const self = new URL(request.url, requestOrigin(request));
    return reply.type(FHIR_JSON).send(searchBundle(all, all.length, self, 0, all.length));
  });
}
