/**
 * A member's password sign-in, shared by the member dashboard (`POST /auth/member-login`) and the
 * SMART consent screen: the same credentials, checked and audited the same way. Throttling stays
 * with the callers (auth/sign-in-limiter.ts): the JSON route answers 429, the screen a page.
 */
import { findMemberLogin, recordFailedSignIn, type Db } from '@tandem/store';
import { verifyPassword } from './passwords.ts';

export type MemberLogin = NonNullable<Awaited<ReturnType<typeof findMemberLogin>>>;

/** The member's login when the password is right; otherwise undefined, with the refusal in the audit trail. */
export async function verifyMemberSignIn(db: Db, username: string, password: string, address: string, channel: 'member-dashboard' | 'smart-consent'): Promise<MemberLogin | undefined> {
  // Usernames are at most 200 characters (as POST /auth/member-login checks): a longer one is no one's.
  const login = username && username.length <= 200 ? await findMemberLogin(db, username) : undefined;
  if (login && (await verifyPassword(password, login.password_hash))) return login;
  await recordFailedSignIn(db, { realm: 'member', username, address, orgId: login?.payer_org_id ?? null, reason: login ? 'wrong-password' : 'unknown-username', ...(login ? { memberKey: login.member_key } : {}), channel });
  return undefined;
}
