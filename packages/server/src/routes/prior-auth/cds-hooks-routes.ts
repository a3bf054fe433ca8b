/**
 * CDS Hooks for Da Vinci CRD: discovery is public (as CDS Hooks expects); calling a service
 * needs a bearer token (the EHR's client credentials). https://cds-hooks.hl7.org/2.0/
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { requestOrigin } from '../../http/request-origin.ts';
import { coverageRequirements, CRD_HOOKS, type CrdHook, type HookRequest } from '../../use-cases/prior-auth/coverage-requirements.ts';

const TITLES: Record<CrdHook, string> = {
  'order-sign': 'Prior authorization and documentation requirements when orders are signed',
  'order-select': 'Prior authorization and documentation requirements as orders are selected',
  'appointment-book': 'Prior authorization and documentation requirements when an appointment is booked',
};

export function cdsHooksRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/cds-services', { config: { public: true }, schema: { summary: 'CDS Hooks discovery: Da Vinci CRD services (public)' } }, async () => ({
    services: CRD_HOOKS.map((hook) => ({
      hook, id: `tandem-crd-${hook}`, title: TITLES[hook], description: `${TITLES[hook]} (Da Vinci CRD).`,
      prefetch: { patient: 'Patient/{{context.patientId}}', coverage: 'Coverage?patient={{context.patientId}}' },
    })),
  }));
  for (const hook of CRD_HOOKS)
    app.post<{ Body: HookRequest }>(`/cds-services/tandem-crd-${hook}`, {
      schema: {
        summary: `CRD ${hook}: cards saying whether each service needs prior authorization and what documentation`,
        body: { type: 'object', required: ['hook', 'context'], properties: { hook: { type: 'string' }, hookInstance: { type: 'string' }, context: { type: 'object' }, prefetch: { type: 'object' } } },
      },
    }, async (request) => coverageRequirements(deps, access(request), hook, request.body, requestOrigin(request)));
}
