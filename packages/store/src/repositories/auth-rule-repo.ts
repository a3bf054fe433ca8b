/** Prior authorization rule sets: versioned data per payer, plans and effective period. */
import { parseAuthRules, type AuthRuleSet } from '@tandem/core';
import type { Db } from '../open-database.ts';

export async function insertAuthRuleSet(db: Db, s: AuthRuleSet): Promise<void> {
  await db.insertInto('auth_rule_set').values({
    id: s.id, payer_org_id: s.payerOrgId, plan_ids: JSON.stringify(s.planIds), effective_from: s.effectiveFrom, effective_to: s.effectiveTo, rules: JSON.stringify(s.rules),
  }).execute();
}

/** Rule sets, all payers or one; rules were checked when stored and are parsed again so the type holds. */
export async function loadAuthRuleSets(db: Db, payerOrgId?: string): Promise<AuthRuleSet[]> {
  let q = db.selectFrom('auth_rule_set').selectAll().orderBy('effective_from').orderBy('id');
  if (payerOrgId) q = q.where('payer_org_id', '=', payerOrgId);
  return (await q.execute()).map((r) => ({
    id: r.id, payerOrgId: r.payer_org_id, planIds: r.plan_ids, effectiveFrom: r.effective_from, effectiveTo: r.effective_to, rules: parseAuthRules(r.rules).rules,
  }));
}
