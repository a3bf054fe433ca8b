/**
 * Demo prior authorization: the payer's rule set (packages/server/data/prior-auth/demo-rules.json),
 * a clinical reviewer sign-in, and a few requests through the real engine so the queue, the
 * provider's list and the public metrics have something to show.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AccessContext, PriorAuthRequest } from '@tandem/core';
import { insertUsers } from '@tandem/store';
import { hashPassword } from '../../auth/passwords.ts';
import type { Deps } from '../../deps.ts';
import { addAuthRuleSet } from './auth-rule-sets.ts';
import { submitPriorAuth } from './submit-prior-auth.ts';

export const DEMO_RULES_FILE = fileURLToPath(new URL('../../../data/prior-auth/demo-rules.json', import.meta.url));

export function demoAuthRules(): unknown[] {
  return (JSON.parse(readFileSync(DEMO_RULES_FILE, 'utf8')) as { rules: unknown[] }).rules;
}

export async function seedPriorAuthDemo(deps: Deps, payerOrgId: string, year: number, password: string): Promise<void> {
  const system: AccessContext = { actor: 'system', orgId: payerOrgId, orgKind: 'payer', role: 'system', purpose: 'operations' };
  await addAuthRuleSet(deps, system, { effectiveFrom: `${year}-01-01`, rules: demoAuthRules() });
  await insertUsers(deps.store.db, [{ id: 'u-payer-reviewer', username: 'payer.reviewer', displayName: 'Dr. Robin Reviewer (utilization management)', passwordHash: await hashPassword(password), orgId: payerOrgId, role: 'clinician' }]);
  // Two requests from the first demo provider, for members it has treated: one approved by the rules, one pended for review.
  const db = deps.store.db;
  const user = await db.selectFrom('app_user').select(['org_id']).where('username', '=', 'provider1.billing').executeTakeFirst();
  if (!user) return;
  const members = await db.selectFrom('claim').innerJoin('member', 'member.key', 'claim.member_key').select('member.member_id').distinct()
    .where('claim.provider_org_id', '=', user.org_id).orderBy('member.member_id').limit(2).execute();
  const ctx: AccessContext = { actor: 'provider1.billing', orgId: user.org_id, orgKind: 'provider', role: 'billing', purpose: 'payment' };
  const date = deps.clock().toISOString().slice(0, 10);
  const base = (ref: string, memberId: string): Omit<PriorAuthRequest, 'items' | 'diagnoses' | 'answers'> => ({
    action: 'submit', submitterRef: { system: 'https://tandem.health/fhir/demo', value: ref }, relatedRef: null, priority: 'standard', memberId,
    patient: { firstName: null, lastName: null, birthDate: null }, requesterNpi: null,
  });
  const item = (code: string) => ({ sequence: 1, code, codeSystem: 'cpt' as const, modifiers: [], placeOfService: '11', units: 1, from: date, to: date, traceNumber: null });
  if (members[0]) await submitPriorAuth(deps, ctx, { ...base('DEMO-MRI-1', members[0].member_id), diagnoses: ['M5416'], answers: { 'conservative-therapy-weeks': 8 }, items: [item('72148')] }, 'dashboard', { demo: true });
  if (members[1]) await submitPriorAuth(deps, ctx, { ...base('DEMO-TKA-1', members[1].member_id), diagnoses: ['M170'], answers: {}, items: [item('27447')] }, 'dashboard', { demo: true });
}
