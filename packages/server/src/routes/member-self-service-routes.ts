/**
 * Member self-service (CMS-0057-F): a member signs in to the dashboard with the sign-in of the
 * SMART consent screen (member_login) and manages their own access —
 * - `POST /auth/member-login`: a member session token (another audience than staff tokens);
 * - `GET|PUT /api/me/access-choices`: the Provider Access opt-out and the Payer-to-Payer opt-in,
 *   recorded by the member (CMS-0057-F, 42 CFR 422.121: Provider Access and Payer-to-Payer);
 * - `GET /api/me/apps`, `DELETE /api/me/apps/{grantId}`: the apps they authorized, revocable;
 * - `GET /api/me/disclosures`: who received their data, when and for which purpose (the audit).
 * A member session reaches these routes and `GET /api/me` only (http/authenticate.ts).
 * https://www.cms.gov/files/document/cms-0057-f.pdf
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { getAccessChoices, getMemberIdentity, getOrganization, listMemberGrants, memberDisclosures, recordAudit, revokeOidcGrant, setAccessChoices } from '@tandem/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyMemberSignIn } from '../auth/member-sign-in.ts';
import { assertMaySignIn, type SignInLimiter } from '../auth/sign-in-limiter.ts';
import { memberSessionContext, type TokenService } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';

/** The member of a member session; anyone else (staff, apps) is refused: these pages are the member's own. */
function memberOf(request: FastifyRequest): AccessContext & { patientKey: string } {
  const ctx = access(request);
  if (!ctx.memberSession || ctx.patientKey === undefined) throw new TandemError('FORBIDDEN', "these are a member's own pages: sign in as the member (POST /auth/member-login); staff use /api/members/{key}/…");
  return ctx as AccessContext & { patientKey: string };
}

export function memberSelfServiceRoutes(app: FastifyInstance, deps: Deps, tokens: TokenService, signIns: SignInLimiter) {
  const db = deps.store.db;

  app.post<{ Body: { username: string; password: string } }>(
    '/auth/member-login',
    {
      config: { public: true },
      schema: {
        summary: "A member signs in (the sign-in a payer administrator set for the SMART consent screen); returns a token for the member's own pages",
        body: { type: 'object', required: ['username', 'password'], additionalProperties: false, properties: { username: { type: 'string', minLength: 1, maxLength: 200 }, password: { type: 'string', minLength: 1, maxLength: 200 } } },
      },
    },
    async (request, reply) => {
      const { username } = request.body;
      // Counted with the consent screen's sign-in: the same credentials (routes/smart-routes.ts).
      assertMaySignIn(signIns, reply, 'member', username, request.ip);
      const login = await verifyMemberSignIn(db, username, request.body.password, request.ip, 'member-dashboard');
      // Same answer for an unknown username and a wrong password: no account enumeration.
      if (!login) throw new TandemError('UNAUTHENTICATED', 'unknown username or wrong password');
      signIns.succeeded('member', username, request.ip, true);
      const subject = { memberKey: login.member_key, payerOrgId: login.payer_org_id, username: login.username };
      await recordAudit(db, memberSessionContext(subject), { action: 'login', resourceType: 'Session', memberKeys: [login.member_key], detail: { channel: 'member-dashboard' } });
      const org = await getOrganization(db, login.payer_org_id);
      return {
        token: await tokens.signMember(subject),
        user: { username: login.username, displayName: `${login.first_name} ${login.last_name}`, role: 'member', org: { id: login.payer_org_id, name: org?.name ?? login.payer_org_id, type: 'payer' }, memberKey: login.member_key },
      };
    },
  );

  app.get('/api/me/access-choices', { schema: { summary: 'Your Provider Access opt-out and Payer-to-Payer opt-in (member sign-in)' } }, async (request) => {
    const ctx = memberOf(request);
    await recordAudit(db, ctx, { action: 'read', resourceType: 'Consent', memberKeys: [ctx.patientKey] });
    return { memberKey: ctx.patientKey, ...(await getAccessChoices(db, ctx.patientKey)) };
  });

  app.put<{ Body: { providerAccessOptOut: boolean; payerToPayerOptIn: boolean } }>(
    '/api/me/access-choices',
    { schema: { summary: 'Change your choices: opt out of Provider Access, opt in to Payer-to-Payer (member sign-in; recorded as yours)', body: { type: 'object', required: ['providerAccessOptOut', 'payerToPayerOptIn'], additionalProperties: false, properties: { providerAccessOptOut: { type: 'boolean' }, payerToPayerOptIn: { type: 'boolean' } } } } },
    async (request) => {
      const ctx = memberOf(request);
      await setAccessChoices(db, ctx.patientKey, request.body, ctx.actor);
      await recordAudit(db, ctx, { action: 'update', resourceType: 'Consent', memberKeys: [ctx.patientKey], detail: { ...request.body, recordedBy: 'member' } });
      return { memberKey: ctx.patientKey, ...(await getAccessChoices(db, ctx.patientKey)) };
    },
  );

  app.get('/api/me/apps', { schema: { summary: 'The apps you authorized to read your data (member sign-in)' } }, async (request) => {
    const ctx = memberOf(request);
    const items = await listMemberGrants(db, ctx.patientKey);
    await recordAudit(db, ctx, { action: 'read', resourceType: 'Consent', memberKeys: [ctx.patientKey], detail: { apps: items.length } });
    return { items };
  });

  app.delete<{ Params: { grantId: string } }>('/api/me/apps/:grantId', { schema: { summary: "Revoke an app's access: the grant and every token issued under it (member sign-in)" } }, async (request, reply) => {
    const ctx = memberOf(request);
    // Only a grant of this member: another member's grant id is as unknown as a made-up one.
    const grants = await listMemberGrants(db, ctx.patientKey);
    if (!grants.some((g) => g.grantId === request.params.grantId)) throw new TandemError('NOT_FOUND', `app authorization ${request.params.grantId}`);
    await revokeOidcGrant(db, request.params.grantId);
    await recordAudit(db, ctx, { action: 'update', resourceType: 'Consent', resourceId: request.params.grantId, memberKeys: [ctx.patientKey], detail: { revoked: true, recordedBy: 'member' } });
    return reply.status(204).send();
  });

  app.get<{ Querystring: { limit?: number } }>(
    '/api/me/disclosures',
    { schema: { summary: 'Who received your data, when and why: your apps, providers and other health plans, from the audit trail (member sign-in)', querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } } } },
    async (request) => {
      const ctx = memberOf(request);
      const m = await getMemberIdentity(db, ctx.patientKey);
      if (!m) throw new TandemError('NOT_FOUND', `member ${ctx.patientKey}`);
      const items = await memberDisclosures(db, m.key, m.payer_org_id, request.query.limit ?? 200);
      await recordAudit(db, ctx, { action: 'read', resourceType: 'AuditEvent', memberKeys: [m.key], detail: { disclosures: items.length } });
      return { items };
    },
  );
}
