/**
 * Every request except sign-in, health, the public FHIR CapabilityStatement and the
 * dashboard's static files needs a valid bearer token. The verified token becomes the
 * request's AccessContext, which the repositories enforce.
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { US_CORE_CLINICAL_TYPES, US_CORE_DIRECTORY_TYPES } from '@tandem/fhir';
import type { FastifyRequest } from 'fastify';
import { accessContextOf, memberSessionContext, type TokenService } from '../auth/tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    access: AccessContext | null;
  }
}

/**
 * The routes that enforce SMART scopes (`requireScope`) and a patient-context token's member
 * (the repositories filter on `AccessContext.patientKey`): searches and reads of the Patient
 * Access resources (CARIN Blue Button, PDex prior authorizations, US Core clinical; the US Core
 * directory types, which name no member), $everything, $docref,
 * the bulk export, $member-match, $provider-member-match and the ATR operations. Opt-in, so a new route is
 * closed to SMART tokens until it is written for them.
 */
export const SMART_ROUTES: ReadonlySet<string> = new Set([
  ...['Patient', 'Coverage', 'ExplanationOfBenefit', 'Group', ...US_CORE_CLINICAL_TYPES].flatMap((t) => [`GET /fhir/${t}`, `GET /fhir/${t}/:id`]),
  ...US_CORE_DIRECTORY_TYPES.flatMap((t) => [`GET /fhir/${t}`, `GET /fhir/${t}/:id`]),
  'GET /fhir/Patient/:id/$everything',
  'GET /fhir/DocumentReference/$docref', 'POST /fhir/DocumentReference/$docref',
  'GET /fhir/Group/:id/$davinci-data-export', 'GET /fhir/Group/:id/$export', 'GET /fhir/$export',
  'GET /fhir/bulk-status/:id', 'DELETE /fhir/bulk-status/:id', 'GET /fhir/bulk-files/:id/:file',
  'POST /fhir/Patient/$member-match',
  // Provider systems (backend tokens): attestation matching and the provider's ATR operations.
  'POST /fhir/Group/$provider-member-match',
  'POST /fhir/Group/:id/$attribution-status', 'GET /fhir/Group/:id/$attribution-status', 'POST /fhir/Group/:id/$confirm-attribution-list',
  // The payer's own systems: ATR changes to its lists, with system/Group.u (only such systems are granted it).
  'POST /fhir/Group/:id/$member-add', 'POST /fhir/Group/:id/$member-remove',
  // Payer-to-Payer (PDex bulk): the match and the export of its matched Group by POST.
  'POST /fhir/Group/$bulk-member-match', 'POST /fhir/Group/:id/$davinci-data-export',
]);

/**
 * The only routes a member's own dashboard session reaches (member self-service): the member's
 * choices, apps and disclosure log. Opt-in like SMART_ROUTES: no payer, provider or FHIR route.
 */
export const MEMBER_SESSION_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/me', 'GET /api/me/access-choices', 'PUT /api/me/access-choices', 'GET /api/me/apps', 'DELETE /api/me/apps/:grantId', 'GET /api/me/disclosures',
]);

const isFhir = (url: string) => url === '/fhir' || url.startsWith('/fhir/');

/** Verifies access tokens of the SMART authorization server (auth/smart); null when the token is not one of them. */
export type SmartTokenVerifier = (token: string) => Promise<AccessContext | null>;

export function makeAuthenticate(tokens: TokenService, smart?: SmartTokenVerifier) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    if (!header || !header.toLowerCase().startsWith('bearer ')) throw new TandemError('UNAUTHENTICATED', 'send Authorization: Bearer <token> (sign in at POST /auth/login or run `tandem token`)');
    const token = header.slice(7).trim();
    try {
      const subject = await tokens.verify(token);
      const purpose = request.headers['x-purpose-of-use'];
      const ctx = accessContextOf(subject, Array.isArray(purpose) ? purpose[0] : purpose);
      // A provider on the FHIR API is using Provider Access: its reads are audited so.
      request.access = ctx.orgKind === 'provider' && isFhir(request.url) ? { ...ctx, accessApi: 'provider-access' } : ctx;
      return;
    } catch {
      // Not a staff token: perhaps a member's own session, or one of the SMART authorization server's.
    }
    const member = await tokens.verifyMember(token).catch(() => null);
    if (member) {
      if (!MEMBER_SESSION_ROUTES.has(`${request.method} ${request.routeOptions.url ?? ''}`)) throw new TandemError('FORBIDDEN', 'a member sign-in reaches only the member\'s own pages (/api/me/…)');
      request.access = memberSessionContext(member);
      return;
    }
    const ctx = smart ? await smart(token) : null;
    if (!ctx) throw new TandemError('UNAUTHENTICATED', 'the bearer token is invalid or expired');
    // SMART tokens are for the FHIR API only; the dashboard API has no scopes to check them against.
    if (!isFhir(request.url)) throw new TandemError('FORBIDDEN', 'SMART access tokens are accepted on /fhir only');
    // …and only on the FHIR routes that check scopes and patient context. The others (PAS,
    // DEQM, Subscription) act with the organization's reach: a member app's token there would
    // see every member of the payer, so it is refused until those routes check scopes too.
    if (!SMART_ROUTES.has(`${request.method} ${request.routeOptions.url ?? ''}`)) throw new TandemError('FORBIDDEN', `SMART access tokens are not accepted on ${request.method} ${request.routeOptions.url ?? request.url} yet; use a Tandem token (POST /auth/login or \`tandem token\`)`);
    request.access = ctx;
  };
}

export function access(request: FastifyRequest): AccessContext {
  if (!request.access) throw new TandemError('UNAUTHENTICATED', 'no access context');
  return request.access;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route needs no bearer token (sign-in, health, CapabilityStatement, OpenAPI). */
    public?: boolean;
  }
}
