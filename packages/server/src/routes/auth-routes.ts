import { TandemError, ROLES, type Role } from '@tandem/core';
import { findUserByUsername, getMemberIdentity, getOrganization, recordAudit, recordFailedSignIn } from '@tandem/store';
import type { FastifyInstance } from 'fastify';
import { verifyPassword } from '../auth/passwords.ts';
import { assertMaySignIn, type SignInLimiter } from '../auth/sign-in-limiter.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';

export function authRoutes(app: FastifyInstance, deps: Deps, tokens: TokenService, signIns: SignInLimiter) {
  app.post<{ Body: { username: string; password: string } }>(
    '/auth/login',
    {
      config: { public: true },
      schema: {
        summary: 'Sign in with a username and password; returns a bearer token (429 with Retry-After after too many failures: see README, Security)',
        body: { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string', minLength: 1, maxLength: 200 }, password: { type: 'string', minLength: 1, maxLength: 200 } } },
      },
    },
    async (request, reply) => {
      const { username } = request.body;
      assertMaySignIn(signIns, reply, 'staff', username, request.ip);
      const u = await findUserByUsername(deps.store.db, username);
      // Same answer for unknown user and wrong password: no account enumeration.
      if (!u || !(await verifyPassword(request.body.password, u.password_hash))) {
        await recordFailedSignIn(deps.store.db, { realm: 'staff', username, address: request.ip, orgId: u?.org_id ?? null, reason: u ? 'wrong-password' : 'unknown-username' });
        throw new TandemError('UNAUTHENTICATED', 'unknown username or wrong password');
      }
      signIns.succeeded('staff', username, request.ip, true);
      const role: Role = ROLES.includes(u.role as Role) ? (u.role as Role) : 'analyst';
      const token = await tokens.sign({ sub: u.username, orgId: u.org_id, orgKind: u.org_kind, role });
      await recordAudit(deps.store.db, { actor: u.username, orgId: u.org_id, orgKind: u.org_kind, role, purpose: 'operations' }, { action: 'login', resourceType: 'Session' });
      return { token, user: { username: u.username, displayName: u.display_name, role, org: { id: u.org_id, name: u.org_name, type: u.org_kind } } };
    },
  );

  app.get('/api/me', { schema: { summary: 'The signed-in user (staff, or a member signed in to their own pages)' } }, async (request) => {
    const ctx = access(request);
    if (ctx.memberSession && ctx.patientKey) {
      const m = await getMemberIdentity(deps.store.db, ctx.patientKey);
      const org = await getOrganization(deps.store.db, ctx.orgId);
      return { username: ctx.actor, displayName: m ? `${m.first_name} ${m.last_name}` : ctx.patientKey, role: 'member', org: { id: ctx.orgId, name: org?.name ?? ctx.orgId, type: 'payer' }, memberKey: ctx.patientKey };
    }
    const org = await getOrganization(deps.store.db, ctx.orgId);
    const u = await findUserByUsername(deps.store.db, ctx.actor);
    return { username: ctx.actor, displayName: u?.display_name ?? ctx.actor, role: ctx.role, org: { id: ctx.orgId, name: org?.name ?? ctx.orgId, type: ctx.orgKind } };
  });

  app.post<{ Body: { username: string; ttlSeconds?: number } }>(
    '/api/tokens',
    {
      schema: {
        summary: 'Mint a token for a user (system, or an administrator for users of its own organization); used by `tandem token`',
        body: { type: 'object', required: ['username'], properties: { username: { type: 'string', minLength: 1, maxLength: 200 }, ttlSeconds: { type: 'integer', minimum: 60, maximum: 2592000 } } },
      },
    },
    async (request) => {
      const ctx = access(request);
      const u = await findUserByUsername(deps.store.db, request.body.username);
      if (!u) throw new TandemError('NOT_FOUND', `user ${request.body.username}`);
      if (ctx.role !== 'system' && !(ctx.role === 'admin' && ctx.orgId === u.org_id)) throw new TandemError('FORBIDDEN', 'only the system or an administrator of the same organization mints tokens for a user');
      const role: Role = ROLES.includes(u.role as Role) ? (u.role as Role) : 'analyst';
      await recordAudit(deps.store.db, ctx, { action: 'create', resourceType: 'Token', resourceId: u.username });
      return { token: await tokens.sign({ sub: u.username, orgId: u.org_id, orgKind: u.org_kind, role }, request.body.ttlSeconds ?? 8 * 3600) };
    },
  );
}
