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

export interface TokenSubject {
  readonly sub: string;
  readonly orgId: string;
  readonly orgKind: 'payer' | 'provider';
  readonly role: Role;
}

export interface TokenService {
  sign(subject: TokenSubject, ttlSeconds?: number): Promise<string>;
  verify(token: string): Promise<TokenSubject>;
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
  };
}

export function accessContextOf(s: TokenSubject, purposeHeader: string | undefined): AccessContext {
  const purpose: Purpose =
    purposeHeader === 'treatment' || purposeHeader === 'payment' || purposeHeader === 'operations' || purposeHeader === 'member-request'
      ? purposeHeader
      : s.orgKind === 'payer' ? 'payment' : 'treatment';
  return { actor: s.sub, orgId: s.orgId, orgKind: s.orgKind, role: s.role, purpose };
}
