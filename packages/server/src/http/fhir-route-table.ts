/**
 * The FHIR routes as the server registers them, collected with Fastify's onRoute hook, so the
 * CapabilityStatements (routes/fhir/capability-routes.ts) are built from what is routed. A
 * search route declares its parameters in its config (`config: { fhir: { searchParams } }`);
 * Patient Access membership comes from the SMART opt-in list.
 * https://fastify.dev/docs/latest/Reference/Hooks/#onroute
 */
import type { FhirRouteInfo } from '@tandem/fhir';
import type { FastifyInstance } from 'fastify';
import { SMART_ROUTES } from './authenticate.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What a FHIR search route accepts, for the CapabilityStatement. */
    fhir?: { readonly searchParams?: readonly string[]; readonly searchInclude?: readonly string[]; readonly searchRevInclude?: readonly string[] };
  }
}

/** Starts collecting; the array fills as routes register (call before registering any /fhir route). */
export function collectFhirRoutes(app: FastifyInstance): readonly FhirRouteInfo[] {
  const table: FhirRouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/fhir/')) return;
    const fhir = (r.config as { fhir?: { searchParams?: readonly string[]; searchInclude?: readonly string[]; searchRevInclude?: readonly string[] } } | undefined)?.fhir;
    for (const method of [r.method].flat()) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      table.push({ method, url: r.url, patientAccess: SMART_ROUTES.has(`${method} ${r.url}`), ...(fhir?.searchParams ? { searchParams: fhir.searchParams } : {}), ...(fhir?.searchInclude ? { searchInclude: fhir.searchInclude } : {}), ...(fhir?.searchRevInclude ? { searchRevInclude: fhir.searchRevInclude } : {}) });
    }
  });
  return table;
}
