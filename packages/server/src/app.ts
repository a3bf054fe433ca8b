/**
 * The composition root of the HTTP API: Fastify with one error handler (OperationOutcome),
 * bearer-token authentication, the JSON API for the dashboard, X12 and FHIR endpoints,
 * an OpenAPI document and the built dashboard as static files.
 */
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import { TandemError } from '@tandem/core';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { createSignInLimiter } from './auth/sign-in-limiter.ts';
import { createTokenService, type TokenService } from './auth/tokens.ts';
import type { Deps } from './deps.ts';
import { makeAuthenticate } from './http/authenticate.ts';
import { collectFhirRoutes } from './http/fhir-route-table.ts';
import { errorHandler, operationOutcome } from './http/operation-outcome.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { claimsRoutes } from './routes/claims-routes.ts';
import { fhirRoutes } from './routes/fhir/fhir-routes.ts';
import { priorAuthRoutes } from './routes/prior-auth/index.ts';
import { qualityRoutes } from './routes/quality-routes.ts';
import { remittanceRoutes } from './routes/remittance-routes.ts';
import { createAuthorizationServer } from './auth/smart/authorization-server.ts';
import { smartRoutes } from './routes/smart-routes.ts';
import { patientEverythingRoutes } from './routes/fhir/patient-everything-routes.ts';
import { clinicalRoutes } from './routes/fhir/clinical-routes.ts';
import { directoryRoutes } from './routes/fhir/directory-routes.ts';
import { bulkExportRoutes } from './routes/fhir/bulk-export-routes.ts';
import { memberMatchRoutes } from './routes/fhir/member-match-routes.ts';
import { providerAccessRoutes } from './routes/fhir/provider-access-routes.ts';
import { capabilityRoutes } from './routes/fhir/capability-routes.ts';
import { memberSelfServiceRoutes } from './routes/member-self-service-routes.ts';
import { valueBasedActionsRoutes } from './routes/value-based-actions-routes.ts';
import { valueBasedRoutes } from './routes/value-based-routes.ts';
import { x12Routes } from './routes/x12-routes.ts';

export const VERSION = '0.1.0';

/** Paths that carry member or claim data: never served without a token. */
const DATA_PATH = /^\/(api|fhir|x12)(\/|\?|$)/;

export interface AppOptions {
  /** Directory of the built dashboard (packages/web/dist); not served when absent. */
  readonly webDir?: string | null;
  /** A pino logger shared with the use cases; no request logging when absent (tests). */
  readonly logger?: FastifyBaseLogger;
  /** Where clients reach this server (SMART issuer and FHIR base); TANDEM_PUBLIC_URL or http://localhost:8080 when absent. */
  readonly publicUrl?: string;
}

export async function buildApp(deps: Deps, opts: AppOptions = {}): Promise<{ app: FastifyInstance; tokens: TokenService }> {
  const app = Fastify({ ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }), bodyLimit: 10 * 1024 * 1024, trustProxy: false, ajv: { customOptions: { coerceTypes: true, removeAdditional: false } } });
  const tokens = await createTokenService(deps.store.db);
  const smart = await createAuthorizationServer(deps.store.db, opts.publicUrl ?? process.env.TANDEM_PUBLIC_URL ?? 'http://localhost:8080');
  const authenticate = makeAuthenticate(tokens, smart.verifyAccessToken);
  // Failed password sign-ins, counted across the staff, member and consent-screen sign-ins of this process.
  const signIns = createSignInLimiter(deps.clock);
  app.decorateRequest('access', null);
  // Secure by default: every route needs a bearer token unless it opts out with config.public.
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config as { public?: boolean } | undefined;
    if (config?.public || request.method === 'OPTIONS') return;
    // Unmatched routes (404s) carry no route url.
    if (request.routeOptions.url === undefined || request.is404) return;
    // The dashboard's static files are public; every data path (/api, /fhir, /x12) is not.
    if ((request.method === 'GET' || request.method === 'HEAD') && !DATA_PATH.test(request.url)) return;
    await authenticate(request);
  });
  app.setErrorHandler(errorHandler);
  // FHIR clients send application/fhir+json (R4 http.html#mime-type): parse it as JSON, once,
  // for every route; a body that is not JSON is a 400 OperationOutcome.
  app.addContentTypeParser('application/fhir+json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(String(body)));
    } catch (e) {
      done(new TandemError('INVALID_REQUEST', `the body is not JSON: ${(e as Error).message}`), undefined);
    }
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Tandem API', version: VERSION, description: 'Payer–provider exchange: X12, FHIR R4 and the dashboard API. Authenticate with a bearer token from POST /auth/login or `tandem token`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });

  app.get('/health', { config: { public: true }, schema: { summary: 'Liveness and database check (public)' } }, async () => {
    await deps.store.db.selectFrom('organization').select('id').limit(1).execute();
    return { status: 'ok', version: VERSION, database: deps.store.kind };
  });
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  // Before any /fhir route: the CapabilityStatements are built from this table.
  const fhirRouteTable = collectFhirRoutes(app);
  authRoutes(app, deps, tokens, signIns);
  claimsRoutes(app, deps);
  x12Routes(app, deps);
  remittanceRoutes(app, deps);
  valueBasedRoutes(app, deps);
  valueBasedActionsRoutes(app, deps);
  priorAuthRoutes(app, deps);
  qualityRoutes(app, deps);
  fhirRoutes(app, deps);
  capabilityRoutes(app, deps, VERSION, fhirRouteTable);
  smartRoutes(app, deps, smart, signIns);
  patientEverythingRoutes(app, deps);
  clinicalRoutes(app, deps);
  directoryRoutes(app, deps);
  bulkExportRoutes(app, deps);
  memberMatchRoutes(app, deps);
  providerAccessRoutes(app, deps);
  memberSelfServiceRoutes(app, deps, tokens, signIns);
  auditRoutes(app, deps);

  const webDir = opts.webDir;
  if (webDir && existsSync(webDir)) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, decorateReply: true });
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith('/api') && !request.url.startsWith('/fhir') && (request.headers.accept ?? '').includes('text/html'))
        return reply.sendFile('index.html');
      return reply.status(404).type('application/fhir+json').send(operationOutcome('not-found', `${request.method} ${request.url.split('?')[0]} does not exist`));
    });
  } else {
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).type('application/fhir+json').send(operationOutcome('not-found', `${request.method} ${request.url.split('?')[0]} does not exist`)),
    );
  }
  return { app, tokens };
}
