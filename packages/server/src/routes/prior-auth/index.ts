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
  // FHIR clients send application/fhir+json; parse it like JSON (once, whoever registers it first).
  if (!app.hasContentTypeParser('application/fhir+json'))
    app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (e) {
        done(Object.assign(new Error(`the body is not valid JSON: ${(e as Error).message}`), { statusCode: 400 }), undefined);
      }
    });
  pasRoutes(app, deps);
  priorAuthApiRoutes(app, deps);
  priorAuthPublicRoutes(app, deps);
  cdsHooksRoutes(app, deps);
}
