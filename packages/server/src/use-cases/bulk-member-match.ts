/**
 * PDex `Group/$bulk-member-match` (Payer-to-Payer, many members at once), asynchronous as the
 * IG requires: the kick-off checks every MemberBundle and stores the request as a job; the
 * export worker (any server, SKIP LOCKED) decides each member with the single-member logic
 * (`decideMember`: exact match, HRex Consent, the member's opt-in), audits every decision, and
 * stores up to three Groups — matched (always, even empty: its id is what the requester exports),
 * non-matched and consent-constrained — for the requesting payer only. The status URL then
 * answers a Bulk Data manifest whose `Group` file holds the Groups and whose `Parameters` file
 * holds the STU 2.1 envelope (PDex §pdex-138a).
 * https://hl7.org/fhir/us/davinci-pdex/STU2.1/payertopayerbulkexchange.html
 * https://hl7.org/fhir/us/davinci-pdex/OperationDefinition-BulkMemberMatch.html
 */
import { answeringPayer, smartScopeAllows, TandemError, type AccessContext } from '@tandem/core';
import { SYSTEM } from '@tandem/fhir';
import { insertExportJob, insertMatchGroups, matchGroupsOfJob, recordAudit, type Db, type ExportJobRow, type MatchCategory, type MatchGroupInput } from '@tandem/store';
import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { assertPayerRequester, decideMember, memberRequestOf, type MemberRequest, type Parameters } from './member-match.ts';

type Resource = Record<string, unknown>;

export const BULK_MEMBER_MATCH = 'bulk-member-match';
/** The files of a finished $bulk-member-match: the Groups, and the STU 2.1 Parameters envelope. */
export const MATCH_OUTPUT_TYPES = ['Group', 'Parameters'] as const;
/** The most MemberBundles one request may carry (a larger batch is split by the requester). */
export const MAX_MEMBER_BUNDLES = 10_000;

const RESULT_CS = 'http://hl7.org/fhir/us/davinci-pdex/CodeSystem/PdexMultiMemberMatchResultCS';
const PDEX_SD = 'http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/';
const CATEGORY = {
  match: { display: 'Matched', name: 'Matched Members', parameter: 'MatchedMembers', profile: 'pdex-member-match-group' },
  nomatch: { display: 'Not Matched', name: 'Non-Matched Members', parameter: 'NonMatchedMembers', profile: 'pdex-member-no-match-group' },
  consentconstraint: { display: 'Consent Constraint', name: 'Consent-Constrained Members', parameter: 'ConsentConstrainedMembers', profile: 'pdex-member-no-match-group' },
} as const satisfies Record<MatchCategory, unknown>;

/** Every MemberBundle read and checked; a malformed one refuses the whole request (400) before anything is stored. */
function memberBundlesOf(body: unknown): MemberRequest[] {
  const p = body as Parameters;
  if (!p || p.resourceType !== 'Parameters') throw new TandemError('INVALID_REQUEST', 'the body must be a FHIR Parameters resource (PDex multi-member-match request)');
  const bundles = (p.parameter ?? []).filter((x) => x.name === 'MemberBundle');
  const other = (p.parameter ?? []).find((x) => x.name !== 'MemberBundle');
  if (other) throw new TandemError('INVALID_REQUEST', `unknown parameter ${other.name} (a multi-member-match request holds MemberBundle parameters only)`);
  if (bundles.length === 0) throw new TandemError('INVALID_REQUEST', '$bulk-member-match needs at least one MemberBundle');
  if (bundles.length > MAX_MEMBER_BUNDLES) throw new TandemError('INVALID_REQUEST', `at most ${MAX_MEMBER_BUNDLES} MemberBundles per request (this one has ${bundles.length})`);
  const requests = bundles.map((b, i) => memberRequestOf(b.part, `MemberBundle[${i}]: `));
  // The Groups contain the submitted Patients under their own ids (§pdex-150/151): two different
  // Patients under one id could not both be preserved.
  const seen = new Map<string, string>();
  requests.forEach((r, i) => {
    const id = r.patient['id'];
    if (typeof id !== 'string') return;
    const json = JSON.stringify(r.patient);
    if (seen.has(id) && seen.get(id) !== json) throw new TandemError('INVALID_REQUEST', `MemberBundle[${i}]: MemberPatient id ${id} is used by another MemberBundle for a different Patient`);
    seen.set(id, json);
  });
  return requests;
}

/** Kick-off: checks the request, stores it as a job; the answer is the job id for the status URL. */
export async function kickOffBulkMemberMatch(deps: Deps, ctx: AccessContext, body: unknown, requestUrl: string): Promise<string> {
  assertPayerRequester(ctx, '$bulk-member-match');
  if (ctx.smartScopes && !smartScopeAllows(ctx.smartScopes, 'Patient', 'search')) throw new TandemError('FORBIDDEN', 'the access token has no scope to search Patient');
  const requests = memberBundlesOf(body);
  const id = `mm-${randomBytes(10).toString('hex')}`;
  await deps.store.db.transaction().execute(async (trx) => {
    await insertExportJob(trx, { id, ctx, groupId: null, exportType: BULK_MEMBER_MATCH, types: [...MATCH_OUTPUT_TYPES], typeFilters: [], since: null, requestUrl, transactionTime: deps.clock().toISOString() });
    await trx.updateTable('bulk_export_job').set({ input: JSON.stringify(body) }).where('id', '=', id).execute();
    await recordAudit(trx, ctx, { action: 'search', resourceType: 'Group', resourceId: '$bulk-member-match', detail: { stage: 'kick-off', job: id, members: requests.length } });
  });
  return id;
}

/** A contained copy of a submitted resource, without what a contained resource may not carry (§pdex-151a). */
function containedCopy(r: Resource, fallbackId: string): Resource {
  const { contained: _c, meta, ...rest } = r as Resource & { meta?: Record<string, unknown> };
  const { versionId: _v, lastUpdated: _l, security: _s, ...keptMeta } = meta ?? {};
  return { ...rest, ...(Object.keys(keptMeta).length ? { meta: keptMeta } : {}), id: typeof r['id'] === 'string' ? r['id'] : fallbackId };
}


function orgIdentifier(o: { id: string; npi: string | null }) {
  return o.npi ? { system: SYSTEM.npi, value: o.npi } : { system: SYSTEM.organizationId, value: o.id };
}

/**
 * The worker's part: decide every member, audit each decision with the requester's purpose,
 * and store the Groups. Returns the manifest's outputs and the number of matched members.
 */
export async function runBulkMemberMatch(deps: Deps, job: ExportJobRow): Promise<{ outputs: Array<{ type: string; count: number }>; members: number }> {
  const db = deps.store.db;
  const ctx = job.access as unknown as AccessContext;
  const requests = memberBundlesOf(job.input);
  const today = job.transaction_time.slice(0, 10);
  const requester = await db.selectFrom('organization').select(['id', 'name', 'npi', 'tin']).where('id', '=', ctx.orgId).executeTakeFirstOrThrow();
  // The payer the request was addressed to answers, with its own members only (and is the Groups' managingEntity).
  const payer = answeringPayer(ctx);
  const responder = await db.selectFrom('organization').select(['id', 'name', 'npi', 'tin']).where('id', '=', payer).where('kind', '=', 'payer').executeTakeFirst();
  type Entry = { entity: Resource; patient: Resource; coverage: Resource };
  const buckets: Record<MatchCategory, Entry[]> = { match: [], nomatch: [], consentconstraint: [] };
  const matched: MatchGroupInput['members'][number][] = [];
  for (const [i, r] of requests.entries()) {
    const d = await decideMember(db, r, today, payer);
    const patient = containedCopy(r.patient, `member-${i + 1}`);
    const coverage = containedCopy(r.coverage, `coverage-${i + 1}`);
    // Two MemberBundles may share one Patient with different coverages: each entry names its coverage (§pdex-153).
    const coverageId = `${String(coverage['id'])}-${i + 1}`;
    const ext = [
      { url: `${PDEX_SD}base-ext-match-parameters`, valueReference: { reference: `#${String(patient['id'])}` } },
      { url: `${PDEX_SD}base-ext-match-coverage`, valueReference: { reference: `#${coverageId}` } },
    ];
    const category: MatchCategory = d.outcome === 'matched' ? 'match' : d.outcome === 'no-match' ? 'nomatch' : 'consentconstraint';
    // Only a matched member is named by our id; the others point at what the requester sent.
    buckets[category].push({ entity: { extension: ext, reference: d.outcome === 'matched' ? `Patient/${d.member.key}` : `#${String(patient['id'])}` }, patient, coverage: { ...coverage, id: coverageId } });
    if (d.outcome === 'matched') matched.push({ memberKey: d.member.key, consentStart: d.consentPeriod.start, consentEnd: d.consentPeriod.end });
    // Every member decision is audited, with the requester's purpose of use; the reason stays
    // in the audit (§pdex-154c: the Group itself carries no consent-error detail).
    await recordAudit(db, { ...ctx, accessApi: 'payer-to-payer' }, {
      action: 'search', resourceType: 'Patient', resourceId: '$bulk-member-match', memberKeys: d.outcome === 'no-match' ? [] : [d.member.key],
      outcome: d.outcome === 'matched' ? 'success' : 'denied', detail: { operation: 'bulk-member-match', payer, job: job.id, memberBundle: i, outcome: d.outcome, ...(d.outcome === 'matched' ? {} : { reason: d.reason }) },
    });
  }
  const groups: MatchGroupInput[] = [];
  for (const category of ['match', 'nomatch', 'consentconstraint'] as const) {
    const entries = buckets[category];
    // The matched Group is always answered (its id is the export's input); the others only when not empty.
    if (category !== 'match' && entries.length === 0) continue;
    const c = CATEGORY[category];
    const id = `${category === 'match' ? 'p2p-match' : category === 'nomatch' ? 'p2p-nomatch' : 'p2p-consent'}-${randomBytes(8).toString('hex')}`;
    const contained = new Map<string, Resource>();
    for (const e of entries) {
      contained.set(`Patient/${String(e.patient['id'])}`, e.patient);
      contained.set(`Coverage/${String(e.coverage['id'])}`, e.coverage);
    }
    const code = { coding: [{ system: RESULT_CS, code: category, display: c.display }] };
    groups.push({
      id, category,
      members: category === 'match' ? matched : [],
      resource: {
        resourceType: 'Group', id, meta: { lastUpdated: job.transaction_time, profile: [`${PDEX_SD}${c.profile}`] },
        contained: [...contained.values()],
        identifier: [orgIdentifier(requester)],
        type: 'person', actual: true, code, name: c.name,
        ...(category === 'match' ? { characteristic: [{ code, valueReference: { identifier: orgIdentifier(requester), display: requester.name }, exclude: false, period: { start: today } }] } : {}),
        ...(responder ? { managingEntity: { identifier: orgIdentifier(responder), display: responder.name } } : {}),
        quantity: entries.length,
        member: entries.map((e) => ({ entity: e.entity })),
      },
    });
  }
  await insertMatchGroups(db, job.id, ctx.orgId, groups);
  return { outputs: [{ type: 'Group', count: groups.length }, { type: 'Parameters', count: 1 }], members: matched.length };
}

/** The files of a finished match: one Group per line, or the Parameters envelope. */
export async function* matchJobFile(db: Db, job: ExportJobRow, type: string): AsyncGenerator<string> {
  const groups = (await matchGroupsOfJob(db, job.id)).map((g) => g.resource);
  if (type === 'Group') yield groups.map((g) => JSON.stringify(g)).join('\n') + '\n';
  else {
    const byCategory = (g: Resource) => CATEGORY[((g['code'] as { coding: Array<{ code: MatchCategory }> }).coding[0]!.code)].parameter;
    yield JSON.stringify({ resourceType: 'Parameters', meta: { profile: [`${PDEX_SD}pdex-parameters-multi-member-match-bundle-out`] }, parameter: groups.map((g) => ({ name: byCategory(g), resource: g })) }) + '\n';
  }
}
