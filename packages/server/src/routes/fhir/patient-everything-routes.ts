/**
 * `Patient/{id}/$everything` for Patient Access: the member, their coverage and their
 * explanations of benefit in one searchset, the EOBs paged with `_count`/`_offset` and
 * narrowed by `_since` and `_type`. Reads go through the same scoped, audited repositories
 * as the searches, so a member's app gets its member only and a provider its patients only.
 * https://hl7.org/fhir/R4/patient-operation-everything.html · https://hl7.org/fhir/us/davinci-pdex/STU2/
 */
import { TandemError } from '@tandem/core';
import { coverageResource, dateBounds, eobResource, paramList, patientResource, searchBundle } from '@tandem/fhir';
import { searchClaimsWithLines, searchCoverages, searchMembers } from '@tandem/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isoDate, type Deps } from '../../deps.ts';
import { access } from '../../http/authenticate.ts';
import { coverageInputOf, eobInputOf } from './eob-rows.ts';
import { requireScope } from './fhir-routes.ts';

const TYPES = ['Patient', 'Coverage', 'ExplanationOfBenefit'] as const;
const PARAMS = ['_since', '_type', '_count', '_offset', '_format'];

export function patientEverythingRoutes(app: FastifyInstance, deps: Deps) {
  app.get<{ Params: { id: string }; Querystring: Record<string, string | string[] | undefined> }>(
    '/fhir/Patient/:id/$everything',
    { schema: { summary: "Patient/$everything: the member's Patient, Coverage and ExplanationOfBenefit resources (paged)" } },
    async (request, reply) => {
      const q = request.query;
      for (const k of Object.keys(q)) if (!PARAMS.includes(k)) throw new TandemError('INVALID_REQUEST', `unsupported parameter '${k}' (supported: ${PARAMS.join(', ')})`);
      const types = paramList(q['_type']);
      for (const t of types) if (!(TYPES as readonly string[]).includes(t)) throw new TandemError('INVALID_REQUEST', `_type ${t} is not part of $everything here (supported: ${TYPES.join(', ')})`);
      const wanted = (t: string) => types.length === 0 || types.includes(t);
      for (const t of TYPES) if (wanted(t)) requireScope(request, t, 'read');
      const count = q['_count'] === undefined ? 50 : Number(q['_count']);
      const offset = q['_offset'] === undefined ? 0 : Number(q['_offset']);
      if (!Number.isInteger(count) || count < 1 || count > 200) throw new TandemError('INVALID_REQUEST', '_count must be an integer from 1 to 200');
      if (!Number.isInteger(offset) || offset < 0) throw new TandemError('INVALID_REQUEST', '_offset must be a non-negative integer');
      const since = dateBounds('_since', q['_since']).map((b) => ({ ...b, op: 'ge' as const }));
      const ctx = access(request);
      const { rows: members } = await searchMembers(deps.store.db, ctx, { key: request.params.id, limit: 1, offset: 0 });
      const m = members[0];
      if (!m) throw new TandemError('NOT_FOUND', `Patient/${request.params.id}`);
      const today = isoDate(deps.clock());
      const head = [];
      // The member and their coverage lead the first page; later pages carry EOBs only.
      if (offset === 0 && wanted('Patient')) head.push(patientResource({ key: m.key, payerOrgId: m.payer_org_id, memberId: m.member_id, subscriberKey: m.subscriber_key, relationship: m.relationship as 'self', firstName: m.first_name, lastName: m.last_name, dateOfBirth: m.date_of_birth, gender: m.gender as 'M' }));
      if (offset === 0 && wanted('Coverage')) head.push(...(await searchCoverages(deps.store.db, ctx, { memberKey: m.key, limit: 1000, offset: 0 })).rows.map((c) => coverageResource(coverageInputOf(c), today)));
      let total = head.length;
      let eobs: ReturnType<typeof eobResource>[] = [];
      if (wanted('ExplanationOfBenefit')) {
        const r = await searchClaimsWithLines(deps.store.db, ctx, { memberKey: m.key, lastUpdated: since, limit: count, offset });
        eobs = r.claims.map(eobInputOf).map(eobResource);
        total = r.total;
      }
      return reply.type('application/fhir+json').send(searchBundle([...head, ...eobs], total, selfUrl(request), offset, count));
    },
  );
}

function selfUrl(request: FastifyRequest): URL {
  return new URL(request.url, `${request.protocol}://${request.headers.host ?? 'localhost'}`);
}
