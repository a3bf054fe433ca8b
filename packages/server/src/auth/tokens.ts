/**
 * Signed bearer tokens (JWT, HS256) with jose. The signing secret is generated on first
 * start and kept in the database, never in the repository; every server sharing the
 * database verifies every other's tokens.
 * https://datatracker.ietf.org/doc/html/rfc7519
 */
import { ROLES, type AccessContext, type Purpose, type Role } from '@tandem/core';
import { ensureSetting, type Db } from '@tandem/store';
import { jwtVerify, SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';

const ISSUER = 'tandem';
const AUDIENCE = 'tandem-api';
/** A member's dashboard session: another audience, so a member token never verifies as a staff one. */
const MEMBER_AUDIENCE = 'tandem-member';

/** A member signed in to the dashboard (member_login), for their own self-service pages. */
export interface MemberSubject {
  readonly memberKey: string;
  readonly payerOrgId: string;
  readonly username: string;
}

export interface TokenSubject {
  readonly sub: string;
  readonly orgId: string;
  readonly orgKind: 'payer' | 'provider';
  readonly role: Role;
}

export interface TokenService {
  sign(subject: TokenSubject, ttlSeconds?: number): Promise<string>;
  verify(token: string): Promise<TokenSubject>;
  signMember(subject: MemberSubject, ttlSeconds?: number): Promise<string>;
  verifyMember(token: string): Promise<MemberSubject>;
}

export async function createTokenService(db: Db): Promise<TokenService> {
  const secret = Buffer.from(await ensureSetting(db, 'jwt-hs256-secret', randomBytes(32).toString('base64url')), 'base64url');
  return {
    async sign(s, ttlSeconds = 8 * 3600) {
      return new SignJWT({ org: s.orgId, org_kind: s.orgKind, role: s.role })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(s.sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(secret);
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      const role = payload['role'];
      const orgKind = payload['org_kind'];
      if (typeof payload.sub !== 'string' || typeof payload['org'] !== 'string' || (orgKind !== 'payer' && orgKind !== 'provider') || !ROLES.includes(role as Role))
        throw new Error('token is missing required claims');
      return { sub: payload.sub, orgId: payload['org'] as string, orgKind, role: role as Role };
    },
    async signMember(m, ttlSeconds = 2 * 3600) {
      return new SignJWT({ org: m.payerOrgId, username: m.username })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(m.memberKey)
        .setIssuer(ISSUER)
        .setAudience(MEMBER_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(secret);
    },
    async verifyMember(token) {
      const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: MEMBER_AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload['org'] !== 'string' || typeof payload['username'] !== 'string') throw new Error('token is missing required claims');
      return { memberKey: payload.sub, payerOrgId: payload['org'], username: payload['username'] };
    },
  };
}

export function accessContextOf(s: TokenSubject, purposeHeader: string | undefined): AccessContext {
  const purpose: Purpose =
    purposeHeader === 'treatment' || purposeHeader === 'payment' || purposeHeader === 'operations' || purposeHeader === 'member-request'
      ? purposeHeader
      : s.orgKind === 'payer' ? 'payment' : 'treatment';
  return { actor: s.sub, orgId: s.orgId, orgKind: s.orgKind, role: s.role, purpose };
}

/**
 * A member's own session: confined to the member (patientKey) and to the /api/me routes
 * (http/authenticate.ts); the purpose is the member's own request.
 */
export function memberSessionContext(m: MemberSubject): AccessContext {
  return { actor: `member:${m.memberKey}`, orgId: m.payerOrgId, orgKind: 'payer', role: 'analyst', purpose: 'member-request', patientKey: m.memberKey, memberSession: true };
}
