/**
 * X12 over HTTP: a provider POSTs an 837 interchange and gets the 999 back (and a TA1
 * when the envelope is unreadable). `Accept: application/json` returns the same with
 * each claim's outcome. https://x12.org/products/transaction-sets
 */
import { TandemError } from '@tandem/core';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { access } from '../http/authenticate.ts';
import { submitClaims } from '../use-cases/submit-claims.ts';
import { is278, submit278 } from '../use-cases/prior-auth/submit-278.ts';

export const X12_BODY_LIMIT = 512 * 1024 * 1024;

export function x12Routes(app: FastifyInstance, deps: Deps) {
  app.addContentTypeParser(['application/edi-x12', 'application/edi', 'text/plain'], { parseAs: 'string', bodyLimit: X12_BODY_LIMIT }, (_req, body, done) => done(null, body));
  app.post<{ Body: string }>(
    '/x12',
    { bodyLimit: X12_BODY_LIMIT, schema: { summary: 'Submit an X12 837P/837I interchange; returns the 999 acknowledgment', consumes: ['application/edi-x12'] } },
    async (request, reply) => {
      if (typeof request.body !== 'string' || request.body.length === 0) throw new TandemError('INVALID_REQUEST', 'send the X12 interchange as the body with Content-Type: application/edi-x12');
      // A 278 service review request goes to prior authorization and is answered with a 278 response (or a 999 rejecting it).
      if (is278(request.body)) {
        const r = await submit278(deps, access(request), request.body);
        void reply.header('x-tandem-accepted', String(r.accepted));
        return String(request.headers.accept ?? '').includes('application/json') ? reply.send(r) : reply.type('application/edi-x12').send(r.text);
      }
      const result = await submitClaims(deps, access(request), { text: request.body, channel: 'http', fileName: (request.headers['x-file-name'] as string | undefined) ?? null });
      void reply.header('x-tandem-accepted', String(result.accepted));
      if (result.submissionId) void reply.header('x-tandem-submission', result.submissionId);
      // No 999 means the body is not an X12 5010 interchange at all: that is an HTTP-level 400.
      if (!result.ack999) throw new TandemError('X12_REJECTED', result.transactionSets[0]?.errors.join('; ') || 'not an X12 interchange');
      if (String(request.headers.accept ?? '').includes('application/json')) return reply.send(result);
      return reply.status(200).type('application/edi-x12').send(result.ta1 ? `${result.ta1}${result.ack999}` : result.ack999);
    },
  );
}
