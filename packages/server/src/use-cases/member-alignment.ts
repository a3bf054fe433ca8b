/**
 * Voluntary alignment recorded by the payer: the member designated a provider organization
 * (and optionally one of its practitioners) as responsible for their care; the next attribution
 * run assigns the member there, ahead of the plurality of claims (42 CFR 425.402(e),
 * https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-425/subpart-E/section-425.402).
 * `tandem attribute align`, `PUT|DELETE /api/members/{key}/alignment`. Payer administrators
 * only (analysts are read-only); every input problem is one line naming the field.
 */
import { isValidNpi, TandemError, type AccessContext } from '@tandem/core';
import { payerMember, removeMemberAlignment, setMemberAlignment, type MemberAlignment } from '@tandem/store';
import type { Deps } from '../deps.ts';

export interface AlignmentRequest {
  readonly orgId?: unknown;
  readonly practitionerNpi?: unknown;
  readonly from?: unknown;
  readonly until?: unknown;
}

const FIELDS = new Set(['orgId', 'practitionerNpi', 'from', 'until']);

function assertMayRecord(ctx: AccessContext): void {
  if (ctx.orgKind !== 'payer' || ctx.patientKey !== undefined || !(ctx.role === 'admin' || ctx.role === 'system')) throw new TandemError('FORBIDDEN', "only the member's payer (administrators) records voluntary alignment");
}

function isoDate(v: unknown, name: string): string {
  // A month 13 is an invalid Date (toISOString would throw); February 30 rolls over to March 2: both refused.
  const d = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : null;
  const ok = d !== null && !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  if (!ok) throw new TandemError('INVALID_REQUEST', `alignment.${name} must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`);
  return v as string;
}

async function member(deps: Deps, ctx: AccessContext, memberKey: string) {
  const m = await payerMember(deps.store.db, ctx, memberKey);
  if (!m) throw new TandemError('NOT_FOUND', `member ${memberKey}`);
  return m;
}

/** Records (or replaces) the member's designation; `from` defaults to today. */
export async function recordAlignment(deps: Deps, ctx: AccessContext, memberKey: string, body: AlignmentRequest): Promise<MemberAlignment> {
  assertMayRecord(ctx);
  const db = deps.store.db;
  await member(deps, ctx, memberKey);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new TandemError('INVALID_REQUEST', 'alignment must be a JSON object: {"orgId": ORG_ID, "practitionerNpi"?: NPI, "from"?: DATE, "until"?: DATE}');
  const extra = Object.keys(body).find((k) => !FIELDS.has(k));
  if (extra) throw new TandemError('INVALID_REQUEST', `alignment.${extra} is not a field: send orgId, and optionally practitionerNpi, from, until`);
  const orgId = body?.orgId;
  if (typeof orgId !== 'string' || !orgId) throw new TandemError('INVALID_REQUEST', 'alignment.orgId must name a provider organization (tandem orgs --kind provider lists them)');
  const org = await db.selectFrom('organization').select(['id', 'kind']).where('id', '=', orgId).executeTakeFirst();
  if (!org || org.kind !== 'provider') throw new TandemError('INVALID_REQUEST', `alignment.orgId: ${orgId} is not a provider organization (tandem orgs --kind provider lists them)`);
  let npi: string | null = null;
  if (body.practitionerNpi !== undefined && body.practitionerNpi !== null) {
    if (typeof body.practitionerNpi !== 'string' || !isValidNpi(body.practitionerNpi)) throw new TandemError('INVALID_REQUEST', `alignment.practitionerNpi must be a valid 10-digit NPI, got ${JSON.stringify(body.practitionerNpi)}`);
    const p = await db.selectFrom('practitioner').select('org_id').where('npi', '=', body.practitionerNpi).executeTakeFirst();
    if (!p || p.org_id !== orgId) throw new TandemError('INVALID_REQUEST', `alignment.practitionerNpi: ${body.practitionerNpi} is not a practitioner of ${orgId}`);
    npi = body.practitionerNpi;
  }
  const from = body.from === undefined || body.from === null ? deps.clock().toISOString().slice(0, 10) : isoDate(body.from, 'from');
  const until = body.until === undefined || body.until === null ? null : isoDate(body.until, 'until');
  if (until !== null && until < from) throw new TandemError('INVALID_REQUEST', `alignment.until (${until}) is before alignment.from (${from})`);
  return setMemberAlignment(db, ctx, { memberKey, orgId, practitionerNpi: npi, from, until });
}

/** Removes the member's designation; 404 when the member has none. */
export async function removeAlignment(deps: Deps, ctx: AccessContext, memberKey: string): Promise<void> {
  assertMayRecord(ctx);
  await member(deps, ctx, memberKey);
  if (!(await removeMemberAlignment(deps.store.db, ctx, memberKey))) throw new TandemError('NOT_FOUND', `voluntary alignment of member ${memberKey}`);
}
