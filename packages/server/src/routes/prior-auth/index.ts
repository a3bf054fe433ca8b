/**
 * Prior authorization over HTTP: Da Vinci PAS (FHIR), the dashboard API, the public list and
 * metrics (CMS-0057-F) and CRD (CDS Hooks). Registered with one call from app.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { cdsHooksRoutes } from './cds-hooks-routes.ts';
import { pasRoutes } from './pas-routes.ts';
import { priorAuthApiRoutes } from './prior-auth-api-routes.ts';
import { priorAuthPublicRoutes } from './public-routes.ts';

export function priorAuthRoutes(app: FastifyInstance, deps: Deps) {
  pasRoutes(app, deps);
  priorAuthApiRoutes(app, deps);
  priorAuthPublicRoutes(app, deps);
  cdsHooksRoutes(app, deps);
}
