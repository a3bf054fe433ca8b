/**
 * Member matching for another payer (HRex $member-match): demographics and, when given, the
 * member id from the old coverage, compared exactly (case-insensitive names). Deliberately
 * strict — a false positive discloses someone else's data — so a partial or ambiguous match is no match.
 */
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';

export interface MatchDemographics {
  readonly family: string;
  readonly given: string;
  readonly birthDate: string;
  readonly gender: 'M' | 'F' | 'U' | undefined;
  readonly memberId: string | undefined;
  /** Only members of these payers (a provider matches among the payers it is in network with). */
  readonly payerOrgIds?: readonly string[];
}

export async function matchMembers(db: Db, d: MatchDemographics) {
  let q = db.selectFrom('member').select(['key', 'payer_org_id', 'member_id']).where(sql`lower(last_name)`, '=', d.family.toLowerCase()).where(sql`lower(first_name)`, '=', d.given.toLowerCase()).where('date_of_birth', '=', d.birthDate);
  if (d.gender) q = q.where('gender', '=', d.gender);
  if (d.payerOrgIds) q = d.payerOrgIds.length ? q.where('payer_org_id', 'in', [...d.payerOrgIds]) : q.where(sql<boolean>`false`);
  // The old coverage names the member id, or the subscriber id (the member id without its dependent suffix).
  if (d.memberId) q = q.where((eb) => eb.or([eb('member_id', '=', d.memberId!), eb(sql`regexp_replace(member_id, '-[0-9]+$', '')`, '=', d.memberId!)]));
  return q.limit(3).execute();
}
