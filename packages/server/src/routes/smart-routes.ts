/**
 * SMART on FHIR on the HTTP API:
 * - /oauth/*: the authorization server (oidc-provider), handed the raw request before
 *   Fastify parses a body, with the /oauth prefix moved to `originalUrl` as a mounted app expects;
 * - /.well-known/smart-configuration (also under /fhir): the discovery document;
 * - /smart/interaction/{uid}: the member's sign-in and consent screens;
 * - /api/smart/clients, /api/smart/member-logins: registration by a payer administrator.
 * https://hl7.org/fhir/smart-app-launch/STU2/
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { disableSmartClient, getAccessChoices, getMemberIdentity, providerAccessOptOuts, setAccessChoices, getSmartClient, listMemberGrants, listSmartClients, patientAccessMetrics, recordAudit, revokeOidcGrant } from '@tandem/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifyMemberSignIn } from '../auth/member-sign-in.ts';
import { waitText, type SignInLimiter } from '../auth/sign-in-limiter.ts';
import { MOUNT_PATH, type SmartServer } from '../auth/smart/authorization-server.ts';
import { consentPage, loginPage, scopeLabel } from '../auth/smart/interaction-pages.ts';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';
import { assertCanRegister, registerSmartClient, type SmartClientInput } from '../use-cases/register-smart-client.ts';
import { setMemberLogin } from '../use-cases/set-member-login.ts';

const memberCtx = (memberKey: string, payerOrgId: string, clientId: string): AccessContext => ({ actor: `member:${memberKey}`, orgId: payerOrgId, orgKind: 'payer', role: 'analyst', purpose: 'member-request', patientKey: memberKey, smartScopes: [`client:${clientId}`] });

export function smartRoutes(app: FastifyInstance, deps: Deps, smart: SmartServer, signIns: SignInLimiter) {
  const callback = smart.provider.callback();
  const mount = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    reply.hijack();
    const raw = request.raw as typeof request.raw & { originalUrl?: string };
    raw.originalUrl = raw.url;
    raw.url = (raw.url ?? '/').slice(MOUNT_PATH.length) || '/';
    void callback(raw, reply.raw);
    void done;
  };
  app.route({ method: ['GET', 'POST', 'DELETE', 'OPTIONS'], url: '/oauth/*', config: { public: true }, schema: { hide: true }, onRequest: mount, handler: async () => undefined });

  // SMART apps run in the member's browser on their own origin: the FHIR API and discovery answer
  // cross-origin requests. Bearer tokens, never cookies, carry the authority, so any origin may ask.
  // https://hl7.org/fhir/smart-app-launch/STU2/app-launch.html#considerations-for-cross-origin-resource-sharing-cors-support
  const CORS_PATH = /^\/(fhir(\/|\?|$)|\.well-known\/smart-configuration)/;
  app.addHook('onSend', async (request, reply, payload) => {
    if (CORS_PATH.test(request.url) && request.headers.origin) {
      void reply.header('access-control-allow-origin', '*').header('access-control-expose-headers', 'Content-Location, Location, X-Progress, Expires');
    }
    return payload;
  });
  // Preflight, answered before routing (the /fhir catch-all owns OPTIONS too).
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'OPTIONS' || !CORS_PATH.test(request.url) || !request.headers.origin) return;
    return reply.status(204).header('access-control-allow-origin', '*').header('access-control-allow-methods', 'GET, POST, DELETE, OPTIONS')
      .header('access-control-allow-headers', 'Authorization, Content-Type, Accept, Prefer, X-Purpose-Of-Use').header('access-control-max-age', '600').send();
  });

  const wellKnown = async () => smart.smartConfiguration();
  app.get('/.well-known/smart-configuration', { config: { public: true }, schema: { summary: 'SMART App Launch discovery (public)' } }, wellKnown);
  app.get('/fhir/.well-known/smart-configuration', { config: { public: true }, schema: { summary: 'SMART App Launch discovery under the FHIR base (public)' } }, wellKnown);

  // Sign-in and consent: HTML forms posted back here; the interaction cookie binds them to the browser.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
    const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('x-frame-options', 'DENY').send(body);

    scope.get<{ Params: { uid: string } }>('/smart/interaction/:uid', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      const details = await smart.provider.interactionDetails(request.raw, reply.raw);
      if (details.uid !== request.params.uid) throw new TandemError('INVALID_REQUEST', 'interaction does not match this browser session');
      const client = await getSmartClient(deps.store.db, String(details.params['client_id']));
      const appName = client?.name ?? String(details.params['client_id']);
      if (details.prompt.name === 'login') return html(reply, loginPage(details.uid, appName, null));
      const accountId = details.session?.accountId ?? '';
      const member = await getMemberIdentity(deps.store.db, accountId);
      const d = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
      const scopes = [...(d.missingOIDCScope ?? []), ...Object.values(d.missingResourceScopes ?? {}).flat()];
      return html(reply, consentPage(details.uid, appName, member ? `${member.first_name} ${member.last_name}` : accountId, scopes.map(scopeLabel)));
    });

    scope.post<{ Params: { uid: string }; Body: { username?: string; password?: string } }>('/smart/interaction/:uid/login', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      const details = await smart.provider.interactionDetails(request.raw, reply.raw);
      const client = await getSmartClient(deps.store.db, String(details.params['client_id']));
      const username = String(request.body.username ?? '');
      // Throttled with POST /auth/member-login (the same member credentials): the page says when to come back.
      // Counted as failed from here (parallel attempts cannot all pass), taken back on success.
      const wait = signIns.begin('member', username, request.ip);
      if (wait > 0) return html(reply.status(429).header('retry-after', String(wait)), loginPage(details.uid, client?.name ?? '', `Too many failed sign-ins. Try again in ${waitText(wait)}.`));
      const login = await verifyMemberSignIn(deps.store.db, username, String(request.body.password ?? ''), request.ip, 'smart-consent');
      if (!login) {
        return html(reply.status(401), loginPage(details.uid, client?.name ?? '', 'Unknown username or wrong password.'));
      }
      signIns.succeeded('member', username, request.ip, true);
      await recordAudit(deps.store.db, memberCtx(login.member_key, login.payer_org_id, String(details.params['client_id'])), { action: 'login', resourceType: 'Session', memberKeys: [login.member_key], detail: { app: details.params['client_id'] } });
      reply.hijack();
      await smart.provider.interactionFinished(request.raw, reply.raw, { login: { accountId: login.member_key } }, { mergeWithLastSubmission: false });
    });

    scope.post<{ Params: { uid: string }; Body: { decision?: string } }>('/smart/interaction/:uid/confirm', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      const details = await smart.provider.interactionDetails(request.raw, reply.raw);
      const accountId = details.session?.accountId;
      const clientId = String(details.params['client_id']);
      if (details.prompt.name !== 'consent' || !accountId) throw new TandemError('INVALID_REQUEST', 'nothing to consent to in this interaction');
      const member = await getMemberIdentity(deps.store.db, accountId);
      const ctx = memberCtx(accountId, member?.payer_org_id ?? '', clientId);
      if (request.body.decision !== 'allow') {
        await recordAudit(deps.store.db, ctx, { action: 'update', resourceType: 'Consent', memberKeys: [accountId], outcome: 'denied', detail: { app: clientId, decision: 'deny' } });
        reply.hijack();
        await smart.provider.interactionFinished(request.raw, reply.raw, { error: 'access_denied', error_description: 'the member did not allow access' }, { mergeWithLastSubmission: false });
        return;
      }
      const grant = details.grantId ? await smart.provider.Grant.find(details.grantId) : new smart.provider.Grant({ accountId, clientId });
      if (!grant) throw new TandemError('INVALID_REQUEST', 'the grant of this interaction no longer exists');
      const d = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
      if (d.missingOIDCScope?.length) grant.addOIDCScope(d.missingOIDCScope.join(' '));
      for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
      const grantId = await grant.save();
      await recordAudit(deps.store.db, ctx, { action: 'create', resourceType: 'Consent', resourceId: grantId, memberKeys: [accountId], detail: { app: clientId, decision: 'allow', scopes: [...(d.missingOIDCScope ?? []), ...Object.values(d.missingResourceScopes ?? {}).flat()] } });
      reply.hijack();
      await smart.provider.interactionFinished(request.raw, reply.raw, { consent: { grantId } }, { mergeWithLastSubmission: true });
    });
  });

  app.post<{ Body: { kind: 'member-app' | 'backend'; name: string; redirectUris?: string[]; orgId?: string; jwks?: { keys: unknown[] }; jwksUri?: string } }>(
    '/api/smart/clients',
    {
      schema: {
        summary: 'Register a SMART app (member-app: public client, authorization code + PKCE) or system (backend: client_credentials with private_key_jwt); payer administrators only',
        body: {
          type: 'object', required: ['kind', 'name'], additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: ['member-app', 'backend'] }, name: { type: 'string', minLength: 1, maxLength: 200 },
            redirectUris: { type: 'array', items: { type: 'string', maxLength: 2000 }, maxItems: 20 }, orgId: { type: 'string', maxLength: 100 },
            jwks: { type: 'object', required: ['keys'], properties: { keys: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'object' } } } }, jwksUri: { type: 'string', maxLength: 2000 },
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const input: SmartClientInput = b.kind === 'member-app'
        ? { kind: 'member-app', name: b.name, redirectUris: b.redirectUris ?? [] }
        : { kind: 'backend', name: b.name, orgId: b.orgId ?? '', jwks: b.jwks, jwksUri: b.jwksUri };
      return reply.status(201).send(await registerSmartClient(deps.store.db, smart, access(request), input));
    },
  );

  app.get('/api/smart/clients', { schema: { summary: 'SMART apps and systems registered by your organization (payer administrators)' } }, async (request) => {
    const ctx = access(request);
    assertCanRegister(ctx);
    const rows = await listSmartClients(deps.store.db, ctx.orgId);
    return { items: rows.map((r) => ({ clientId: r.client_id, kind: r.kind, name: r.name, orgId: r.org_id, orgName: r.org_name, registeredBy: r.registered_by, createdAt: r.created_at, disabledAt: r.disabled_at, redirectUris: r.metadata['redirect_uris'] ?? [] })) };
  });

  app.delete<{ Params: { clientId: string } }>('/api/smart/clients/:clientId', { schema: { summary: 'Disable a SMART client and revoke every token issued to it (payer administrators)' } }, async (request, reply) => {
    const ctx = access(request);
    assertCanRegister(ctx);
    const c = await getSmartClient(deps.store.db, request.params.clientId);
    if (!c || (c.org_id !== ctx.orgId && c.metadata['tandem_registrar_org_id'] !== ctx.orgId)) throw new TandemError('NOT_FOUND', `client ${request.params.clientId}`);
    await disableSmartClient(deps.store.db, c.client_id);
    await recordAudit(deps.store.db, ctx, { action: 'update', resourceType: 'SmartClient', resourceId: c.client_id, detail: { disabled: true } });
    return reply.status(204).send();
  });

  // A member's connected apps, listed and revocable by the payer (on the member's behalf).
  const memberOf = async (request: FastifyRequest<{ Params: { key: string } }>) => {
    const ctx = access(request);
    const m = await getMemberIdentity(deps.store.db, request.params.key);
    if (ctx.orgKind !== 'payer' || ctx.patientKey !== undefined || !m || m.payer_org_id !== ctx.orgId) throw new TandemError('NOT_FOUND', `member ${request.params.key}`);
    return { ctx, m };
  };
  app.get<{ Params: { key: string } }>('/api/members/:key/smart-apps', { schema: { summary: "The apps a member has authorized (the member's payer)" } }, async (request) => {
    const { ctx, m } = await memberOf(request);
    const items = await listMemberGrants(deps.store.db, m.key);
    await recordAudit(deps.store.db, ctx, { action: 'read', resourceType: 'Consent', memberKeys: [m.key], detail: { apps: items.length } });
    return { items };
  });
  app.delete<{ Params: { key: string; grantId: string } }>('/api/members/:key/smart-apps/:grantId', { schema: { summary: "Revoke an app's access to a member's data: the grant and every token issued under it" } }, async (request, reply) => {
    const { ctx, m } = await memberOf(request);
    if (ctx.role !== 'admin' && ctx.role !== 'system') throw new TandemError('FORBIDDEN', 'only an administrator revokes an app on a member\'s behalf');
    const grants = await listMemberGrants(deps.store.db, m.key);
    if (!grants.some((g) => g.grantId === request.params.grantId)) throw new TandemError('NOT_FOUND', `grant ${request.params.grantId}`);
    await revokeOidcGrant(deps.store.db, request.params.grantId);
    await recordAudit(deps.store.db, ctx, { action: 'update', resourceType: 'Consent', resourceId: request.params.grantId, memberKeys: [m.key], detail: { revoked: true } });
    return reply.status(204).send();
  });
  // The member's choices: opt out of Provider Access, opt in to Payer-to-Payer (recorded by the payer on the member's request).
  app.get<{ Params: { key: string } }>('/api/members/:key/access-choices', { schema: { summary: "A member's Provider Access opt-out and Payer-to-Payer opt-in" } }, async (request) => {
    const { ctx, m } = await memberOf(request);
    await recordAudit(deps.store.db, ctx, { action: 'read', resourceType: 'Consent', memberKeys: [m.key] });
    return { memberKey: m.key, ...(await getAccessChoices(deps.store.db, m.key)) };
  });
  app.put<{ Params: { key: string }; Body: { providerAccessOptOut: boolean; payerToPayerOptIn: boolean } }>(
    '/api/members/:key/access-choices',
    { schema: { summary: "Record a member's choices (payer administrators, on the member's request)", body: { type: 'object', required: ['providerAccessOptOut', 'payerToPayerOptIn'], additionalProperties: false, properties: { providerAccessOptOut: { type: 'boolean' }, payerToPayerOptIn: { type: 'boolean' } } } } },
    async (request) => {
      const { ctx, m } = await memberOf(request);
      assertCanRegister(ctx);
      await setAccessChoices(deps.store.db, m.key, request.body, ctx.actor);
      await recordAudit(deps.store.db, ctx, { action: 'update', resourceType: 'Consent', memberKeys: [m.key], detail: { ...request.body } });
      return { memberKey: m.key, ...(await getAccessChoices(deps.store.db, m.key)) };
    },
  );
  app.get('/api/smart/provider-access-opt-outs', { schema: { summary: "The payer's Provider Access opt-out list" } }, async (request) => {
    const ctx = access(request);
    assertCanRegister(ctx);
    const rows = await providerAccessOptOuts(deps.store.db, ctx.orgId);
    await recordAudit(deps.store.db, ctx, { action: 'search', resourceType: 'Consent', memberKeys: rows.map((r) => r.key), detail: { optOuts: rows.length } });
    return { items: rows.map((r) => ({ memberKey: r.key, memberId: r.member_id, since: r.updated_at })) };
  });

  app.get<{ Querystring: { from?: string; to?: string } }>(
    '/api/smart/metrics',
    { schema: { summary: 'Patient Access usage for a period: unique members whose data went to an app, and more than once (CMS-0057-F)', querystring: { type: 'object', properties: { from: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, to: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } } } } },
    async (request) => {
      const ctx = access(request);
      assertCanRegister(ctx);
      const year = deps.clock().getUTCFullYear();
      const from = request.query.from ?? `${year}-01-01`;
      const to = request.query.to ?? `${year + 1}-01-01`;
      if (from >= to) throw new TandemError('INVALID_REQUEST', 'from must be before to');
      const m = await patientAccessMetrics(deps.store.db, ctx.orgId, from, to);
      return { from, to, uniqueMembers: m.members, membersMoreThanOnce: m.more_than_once, disclosures: m.disclosures, apps: m.apps };
    },
  );

  app.post<{ Body: { memberKey: string; username: string; password: string } }>(
    '/api/smart/member-logins',
    {
      schema: {
        summary: "Set a member's sign-in for SMART apps (payer administrators)",
        body: { type: 'object', required: ['memberKey', 'username', 'password'], additionalProperties: false, properties: { memberKey: { type: 'string', minLength: 1, maxLength: 100 }, username: { type: 'string', minLength: 3, maxLength: 200 }, password: { type: 'string', minLength: 10, maxLength: 200 } } },
      },
    },
    async (request, reply) => reply.status(201).send(await setMemberLogin(deps.store.db, access(request), request.body)),
  );
}
