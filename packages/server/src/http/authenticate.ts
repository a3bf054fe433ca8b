/**
 * Every request except sign-in, health, the public FHIR CapabilityStatement and the
 * dashboard's static files needs a valid bearer token. The verified token becomes the
 * request's AccessContext, which the repositories enforce.
 */
import { TandemError, type AccessContext } from '@tandem/core';
import type { FastifyRequest } from 'fastify';
import { accessContextOf, type TokenService } from '../auth/tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    access: AccessContext | null;
  }
}

export function makeAuthenticate(tokens: TokenService) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    if (!header || !header.toLowerCase().startsWith('bearer ')) throw new TandemError('UNAUTHENTICATED', 'send Authorization: Bearer <token> (sign in at POST /auth/login or run `tandem token`)');
    try {
      const subject = await tokens.verify(header.slice(7).trim());
      const purpose = request.headers['x-purpose-of-use'];
      request.access = accessContextOf(subject, Array.isArray(purpose) ? purpose[0] : purpose);
    } catch {
      throw new TandemError('UNAUTHENTICATED', 'the bearer token is invalid or expired');
    }
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
