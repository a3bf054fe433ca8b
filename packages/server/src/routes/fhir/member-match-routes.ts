/**
 * `POST /fhir/Patient/$member-match` (HRex) for Payer-to-Payer: 200 with the member's identifier,
 * or 422 with an OperationOutcome saying no match or consent-constrained (nothing else disclosed).
 * https://hl7.org/fhir/us/davinci-hrex/STU1.1/OperationDefinition-member-match.html
 */
import type { FastifyInstance } from 'fastify';
import { isoDate, type Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { operationOutcome } from '../../http/operation-outcome.ts';
import { memberMatch } from '../../use-cases/member-match.ts';

export function memberMatchRoutes(app: FastifyInstance, deps: Deps) {
  app.register(async (scope) => {
    scope.post('/fhir/Patient/$member-match', { schema: { summary: 'HRex $member-match: the member on our side, given demographics, old coverage and the member\'s Consent' } }, async (request, reply) => {
      const r = await memberMatch(deps.store.db, access(request), request.body, isoDate(deps.clock()));
      if (r.outcome === 'matched') return reply.type('application/fhir+json').send(r.parameters);
      return reply.status(422).type('application/fhir+json').send(operationOutcome(r.outcome === 'no-match' ? 'not-found' : 'business-rule', `${r.outcome}: ${r.reason}`));
    });
  });
}
