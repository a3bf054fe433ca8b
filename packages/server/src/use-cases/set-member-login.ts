/**
 * A member's sign-in for SMART apps (the authorization server's login page), set by a payer
 * administrator. Members are not dashboard users: their credentials live apart, in member_login.
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { findMemberLogin, getMemberIdentity, recordAudit, upsertMemberLogin, type Db } from '@tandem/store';
import { hashPassword } from '../auth/passwords.ts';
import { assertCanRegister } from './register-smart-client.ts';

export async function setMemberLogin(db: Db, ctx: AccessContext, input: { memberKey: string; username: string; password: string }): Promise<{ memberKey: string; username: string }> {
  assertCanRegister(ctx);
  if (input.username.length < 3) throw new TandemError('INVALID_REQUEST', 'the username needs at least 3 characters');
  if (input.password.length < 10) throw new TandemError('INVALID_REQUEST', 'the password needs at least 10 characters');
  const m = await getMemberIdentity(db, input.memberKey);
  if (!m || m.payer_org_id !== ctx.orgId) throw new TandemError('NOT_FOUND', `member ${input.memberKey}`);
  const taken = await findMemberLogin(db, input.username);
  if (taken && taken.member_key !== m.key) throw new TandemError('CONFLICT', `username ${input.username} is taken`);
  await upsertMemberLogin(db, { username: input.username, memberKey: m.key, passwordHash: await hashPassword(input.password) });
  await recordAudit(db, ctx, { action: 'update', resourceType: 'MemberLogin', resourceId: m.key, memberKeys: [m.key] });
  return { memberKey: m.key, username: input.username };
}
