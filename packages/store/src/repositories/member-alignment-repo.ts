/**
 * Voluntary alignment as the payer records it (42 CFR 425.402(e): a member designates the
 * organization — and optionally the practitioner — responsible for their care). One
 * designation per member; recording again replaces it. Only the member's own payer may record,
 * read or remove it; every write is audited with the member.
 */
import type { AccessContext } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';
import { recordAudit } from './audit-repo.ts';

export interface MemberAlignment {
  readonly memberKey: string;
  readonly orgId: string;
  readonly practitionerNpi: string | null;
  readonly from: string;
  readonly until: string | null;
  readonly recordedBy: string | null;
  readonly recordedAt: string;
}

/** The member when it belongs to the caller's payer organization (else null: a 404, like a missing member). */
export async function payerMember(db: Db, ctx: AccessContext, memberKey: string) {
  if (ctx.orgKind !== 'payer' || ctx.patientKey !== undefined) return null;
  return (await db.selectFrom('member').select(['key', 'member_id', 'payer_org_id']).where('key', '=', memberKey).where('payer_org_id', '=', ctx.orgId).executeTakeFirst()) ?? null;
}

async function read(db: Db, memberKey: string): Promise<MemberAlignment | null> {
  const r = await db
    .selectFrom('member_alignment')
    .select(['member_key', 'org_id', 'practitioner_npi', 'recorded_by', sql<string>`to_char(designated_on, 'YYYY-MM-DD')`.as('from'), sql<string | null>`to_char(effective_to, 'YYYY-MM-DD')`.as('until'), sql<string>`to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as('at')])
    .where('member_key', '=', memberKey)
    .executeTakeFirst();
  return r ? { memberKey: r.member_key, orgId: r.org_id, practitionerNpi: r.practitioner_npi, from: r.from, until: r.until, recordedBy: r.recorded_by, recordedAt: r.at } : null;
}

/** Records (or replaces) a member's designation; the caller has checked the member is its own. Audited. */
export async function setMemberAlignment(db: Db, ctx: AccessContext, a: { memberKey: string; orgId: string; practitionerNpi: string | null; from: string; until: string | null }): Promise<MemberAlignment> {
  const values = { org_id: a.orgId, practitioner_npi: a.practitionerNpi, designated_on: a.from, effective_to: a.until, recorded_by: ctx.actor };
  // recorded_at defaults to now() on insert; a replacement sets it again.
  await db.insertInto('member_alignment').values({ member_key: a.memberKey, ...values }).onConflict((oc) => oc.column('member_key').doUpdateSet({ ...values, recorded_at: sql<string>`now()` })).execute();
  await recordAudit(db, ctx, { action: 'update', resourceType: 'MemberAlignment', resourceId: a.memberKey, memberKeys: [a.memberKey], detail: { orgId: a.orgId, practitionerNpi: a.practitionerNpi, from: a.from, until: a.until } });
  return (await read(db, a.memberKey))!;
}

/** Removes a member's designation; false when there was none. Audited when one is removed. */
export async function removeMemberAlignment(db: Db, ctx: AccessContext, memberKey: string): Promise<boolean> {
  const gone = await db.deleteFrom('member_alignment').where('member_key', '=', memberKey).returning('org_id').executeTakeFirst();
  if (!gone) return false;
  await recordAudit(db, ctx, { action: 'update', resourceType: 'MemberAlignment', resourceId: memberKey, memberKeys: [memberKey], detail: { removed: true, orgId: gone.org_id } });
  return true;
}
