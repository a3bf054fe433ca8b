/**
 * Decisions on prior authorization items. An item that no rule covers needs no
 * authorization; one whose rule's criteria all hold is approved at once (capped units make
 * it "modified"); anything else waits for a clinical reviewer — Tandem never denies
 * automatically on clinical grounds, since a denial needs a reviewer and a specific reason
 * (42 CFR 422.566(d), 422.568(e); CMS-0057-F). X12 306 action codes as Da Vinci PAS binds them.
 * http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction (code system https://codesystem.x12.org/005010/306)
 */
import { authRequirement, type AuthRule, type AuthRuleSet, type ServiceFacts } from './auth-rules.ts';
import { evaluateCriterion, type CriteriaFacts, type CriterionResult } from './criteria.ts';

export const ITEM_ACTIONS = ['approved', 'modified', 'denied', 'pended', 'not-required', 'cancelled'] as const;
export type ItemAction = (typeof ITEM_ACTIONS)[number];

/** X12 306 (HCR01) for each action: A1 certified in total, A6 modified, A3 not certified, A4 pended, NA no action required, C cancelled. */
export const X12_306: Readonly<Record<ItemAction, string>> = { approved: 'A1', modified: 'A6', denied: 'A3', pended: 'A4', 'not-required': 'NA', cancelled: 'C' };
export const X12_306_TEXT: Readonly<Record<string, string>> = { A1: 'Certified in total', A6: 'Modified', A3: 'Not Certified', A4: 'Pended', NA: 'No Action Required', C: 'Cancelled' };

export const REQUEST_STATUSES = ['pended', 'info-requested', 'approved', 'modified', 'partial', 'denied', 'not-required', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface ItemEvaluation {
  readonly action: ItemAction;
  readonly ruleSetId: string | null;
  readonly rule: AuthRule | null;
  readonly unitsApproved: number | null;
  readonly reason: string;
  readonly criteria: readonly CriterionResult[];
}

/** The automatic first pass over one requested item. */
export function evaluateItem(sets: readonly AuthRuleSet[], service: ServiceFacts, facts: Omit<CriteriaFacts, 'serviceDate' | 'units' | 'diagnoses'>): ItemEvaluation {
  const req = authRequirement(sets, service);
  if (!req) return { action: 'not-required', ruleSetId: null, rule: null, unitsApproved: null, reason: `${service.code} needs no prior authorization under the plan's rules on ${service.date}`, criteria: [] };
  const { rule, set } = req;
  const criteria = (rule.autoApprove ?? []).map((c) => evaluateCriterion(c, { ...facts, diagnoses: service.diagnoses, serviceDate: service.date, units: service.units }));
  if (criteria.length > 0 && criteria.every((c) => c.met))
    return { action: 'approved', ruleSetId: set.id, rule, unitsApproved: service.units, reason: `meets the automatic approval criteria of rule ${rule.id}`, criteria };
  const unmet = criteria.filter((c) => !c.met).map((c) => c.detail);
  const reason = criteria.length === 0 ? `rule ${rule.id} requires clinical review` : `clinical review: ${unmet.join('; ')}`;
  return { action: 'pended', ruleSetId: set.id, rule, unitsApproved: null, reason, criteria };
}

/** The status of a request, from its items. */
export function requestStatus(actions: readonly ItemAction[], infoRequested = false): RequestStatus {
  if (actions.length === 0) return 'not-required';
  if (actions.includes('pended')) return infoRequested ? 'info-requested' : 'pended';
  if (actions.every((a) => a === 'cancelled')) return 'cancelled';
  const live = actions.filter((a) => a !== 'cancelled' && a !== 'not-required');
  if (live.length === 0) return 'not-required';
  if (live.every((a) => a === 'denied')) return 'denied';
  if (live.every((a) => a === 'approved')) return 'approved';
  if (live.includes('denied')) return 'partial';
  return 'modified';
}

/** A reviewer's decision on one item; a denial or a modification needs a specific reason. */
export interface ReviewerDecision {
  readonly sequence: number;
  readonly action: 'approved' | 'modified' | 'denied';
  readonly unitsApproved?: number;
  readonly reason?: string;
}

export function checkReviewerDecision(d: ReviewerDecision, requestedUnits: number): string | null {
  const reason = d.reason?.trim() ?? '';
  if (d.action === 'denied' && reason.length < 10) return `item ${d.sequence}: a denial needs a specific reason (at least 10 characters)`;
  if (d.action === 'modified') {
    if (reason.length < 10) return `item ${d.sequence}: a modification needs a specific reason (at least 10 characters)`;
    if (d.unitsApproved === undefined || !Number.isInteger(d.unitsApproved) || d.unitsApproved < 1 || d.unitsApproved >= requestedUnits)
      return `item ${d.sequence}: a modification approves between 1 and ${requestedUnits - 1} units`;
  }
  return null;
}
