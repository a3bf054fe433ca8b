/**
 * Prior authorization rule sets: added by the payer as versioned data, published without
 * sign-in as CMS-0057-F requires (42 CFR 422.122(b): the list of items and services that need
 * prior authorization, with the documentation each needs).
 */
import { isIsoDate, parseAuthRules, TandemError, type AccessContext, type AuthRuleSet, type Criterion } from '@tandem/core';
import { insertAuthRuleSet, loadAuthRuleSets, recordAudit, reserveNumbers } from '@tandem/store';
import type { Deps } from '../../deps.ts';

export interface RuleSetInput {
  readonly planIds?: readonly string[] | null;
  readonly effectiveFrom: string;
  readonly effectiveTo?: string | null;
  readonly rules: unknown;
}

export async function addAuthRuleSet(deps: Deps, ctx: AccessContext, input: RuleSetInput, payerOrgId = ctx.orgId): Promise<AuthRuleSet> {
  if (ctx.orgKind !== 'payer' || (ctx.role !== 'admin' && ctx.role !== 'system')) throw new TandemError('FORBIDDEN', 'only payer administrators change prior authorization rules');
  const issues: string[] = [];
  if (!isIsoDate(input.effectiveFrom)) issues.push('effectiveFrom: a date YYYY-MM-DD');
  if (input.effectiveTo != null && (!isIsoDate(input.effectiveTo) || input.effectiveTo < input.effectiveFrom)) issues.push('effectiveTo: a date YYYY-MM-DD not before effectiveFrom');
  const planIds = input.planIds ?? null;
  if (planIds) {
    const known = await deps.store.db.selectFrom('plan').select('id').where('payer_org_id', '=', payerOrgId).execute();
    for (const p of planIds) if (!known.some((k) => k.id === p)) issues.push(`planIds: ${p} is not a plan of this payer`);
  }
  const parsed = parseAuthRules(input.rules);
  issues.push(...parsed.issues);
  if (issues.length) throw new TandemError('INVALID_REQUEST', issues.join('; '));
  const n = await reserveNumbers(deps.store.db, 'auth-rule-set', 1);
  const set: AuthRuleSet = { id: `ars-${String(n).padStart(4, '0')}`, payerOrgId, planIds, effectiveFrom: input.effectiveFrom, effectiveTo: input.effectiveTo ?? null, rules: parsed.rules };
  await insertAuthRuleSet(deps.store.db, set);
  await recordAudit(deps.store.db, ctx, { action: 'create', resourceType: 'AuthRuleSet', resourceId: set.id, detail: { rules: set.rules.length, effectiveFrom: set.effectiveFrom } });
  return set;
}

export interface PublicServiceEntry {
  readonly payer: string;
  readonly plans: string;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly ruleSetId: string;
  readonly ruleId: string;
  readonly codes: readonly string[];
  readonly description: string;
  readonly conditions: readonly string[];
  readonly documentation: readonly string[];
  /** Questionnaire items whose answers the automatic approval reads (linkId, text, answer type). */
  readonly questions: ReadonlyArray<{ linkId: string; text: string; type: 'boolean' | 'number' | 'string' }>;
  /** What makes a request approve automatically, in words; empty when every request is reviewed. */
  readonly autoApproval: readonly string[];
}

/** Every service that needs authorization under a rule set in force on `date` or later, flattened for the public list. */
export async function publicServiceList(deps: Deps, date: string): Promise<PublicServiceEntry[]> {
  const db = deps.store.db;
  const [sets, payers, plans] = await Promise.all([
    loadAuthRuleSets(db), db.selectFrom('organization').select(['id', 'name']).where('kind', '=', 'payer').execute(), db.selectFrom('plan').select(['id', 'name']).execute(),
  ]);
  return sets.filter((s) => s.effectiveTo === null || s.effectiveTo >= date).flatMap((s) => s.rules.map((r) => ({
    payer: payers.find((p) => p.id === s.payerOrgId)?.name ?? s.payerOrgId,
    plans: s.planIds === null ? 'all plans' : s.planIds.map((id) => plans.find((p) => p.id === id)?.name ?? id).join(', '),
    effectiveFrom: s.effectiveFrom, effectiveTo: s.effectiveTo, ruleSetId: s.id, ruleId: r.id, codes: r.codes, description: r.description,
    conditions: [
      ...(r.placesOfService ? [`place of service ${r.placesOfService.join(', ')}`] : []),
      ...(r.unitsOver !== undefined ? [`more than ${r.unitsOver} units`] : []),
      ...(r.diagnoses ? [`with diagnosis ${r.diagnoses.join(', ')}`] : []),
    ],
    documentation: r.documentation,
    questions: (r.autoApprove ?? []).flatMap((c): PublicServiceEntry['questions'] => c.kind === 'answer' ? [{ linkId: c.linkId, text: c.text ?? c.linkId, type: typeof c.equals === 'boolean' ? 'boolean' as const : 'string' as const }]
      : c.kind === 'answer-at-least' ? [{ linkId: c.linkId, text: c.text ?? c.linkId, type: 'number' as const }] : []),
    autoApproval: (r.autoApprove ?? []).map(describeCriterion),
  })));
}

/** A criterion in words, for the public list, CRD cards and the provider's form. */
export function describeCriterion(c: Criterion): string {
  switch (c.kind) {
    case 'diagnosis': return `a diagnosis among ${c.anyOf.join(', ')}`;
    case 'answer': return `${c.text ?? c.linkId}: ${typeof c.equals === 'boolean' ? (c.equals ? 'yes' : 'no') : c.equals}`;
    case 'answer-at-least': return `${c.text ?? c.linkId}: at least ${c.min}`;
    case 'prior-service': return `${c.text ?? `prior ${c.codes.join('/')}`}: ${c.minCount} on claims in the ${c.withinDays} days before`;
    case 'max-units': return `at most ${c.units} units`;
  }
}
