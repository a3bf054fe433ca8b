/**
 * The clinical reviewer's side: approve, modify or deny each pended item (a denial or a
 * modification needs a specific reason), or ask the submitter for more information — which
 * changes the status both sides see and, for a standard request, may extend the deadline once
 * by 14 days. Every decision is an event on the request and an audit record; the submitter is
 * notified through its subscriptions once the decision commits.
 */
import { appealDueAt, checkReviewerDecision, dueAt, EXTENSION_DAYS, requestStatus, TandemError, type AccessContext, type ItemAction, type PriorAuthView, type ReviewerDecision } from '@tandem/core';
import { addPriorAuthEvent, findPriorAuthId, getPriorAuth, loadAuthRuleSets, priorAuthRow, recordAudit, setPriorAuthState, updatePriorAuthItem } from '@tandem/store';
import { isoDate, type Deps } from '../../deps.ts';
import { notifySubscribers, type Delivery } from './notify-subscribers.ts';

/** Payer administrators and clinicians review; analysts read only. */
export function canReviewPriorAuth(ctx: AccessContext): boolean {
  return ctx.orgKind === 'payer' && (ctx.role === 'admin' || ctx.role === 'clinician');
}

const DAY = 86_400_000;
const addDays = (date: string, n: number) => isoDate(new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY));

export async function decidePriorAuth(deps: Deps, ctx: AccessContext, id: string, decisions: readonly ReviewerDecision[], base: string): Promise<{ view: PriorAuthView; deliveries: Delivery[] }> {
  if (!canReviewPriorAuth(ctx)) throw new TandemError('FORBIDDEN', 'only the payer\'s clinical reviewers and administrators decide prior authorizations');
  if (decisions.length === 0) throw new TandemError('INVALID_REQUEST', 'send at least one item decision');
  const db = deps.store.db;
  const now = deps.clock();
  const sets = await loadAuthRuleSets(db, ctx.orgId);
  const status = await db.transaction().execute(async (trx) => {
    const found = await findPriorAuthId(trx, ctx, id, true);
    if (!found) throw new TandemError('NOT_FOUND', `Prior authorization ${id}`);
    const row = (await priorAuthRow(trx, found))!;
    if (row.status !== 'pended' && row.status !== 'info-requested') throw new TandemError('CONFLICT', `request ${id} is ${row.status}, not awaiting review`);
    const items = await trx.selectFrom('prior_auth_item').selectAll().where('auth_id', '=', found).orderBy('sequence').execute();
    const problems: string[] = [];
    for (const d of decisions) {
      const item = items.find((i) => i.sequence === d.sequence);
      if (!item) problems.push(`item ${d.sequence} does not exist`);
      else if (item.action !== 'pended') problems.push(`item ${d.sequence} is ${item.action}, not pended`);
      else {
        const p = checkReviewerDecision(d, item.units_requested);
        if (p) problems.push(p);
      }
    }
    if (problems.length) throw new TandemError('INVALID_REQUEST', problems.join('; '));
    for (const d of decisions) {
      const item = items.find((i) => i.sequence === d.sequence)!;
      const rule = sets.find((s) => s.id === item.rule_set_id)?.rules.find((r) => r.id === item.rule_id);
      const approved = d.action !== 'denied';
      const validTo = addDays(item.service_from, (rule?.validDays ?? 90) - 1);
      const reason = d.reason?.trim() || 'approved by clinical review';
      await updatePriorAuthItem(trx, found, d.sequence, {
        action: d.action, reason, unitsApproved: approved ? (d.action === 'modified' ? d.unitsApproved! : item.units_requested) : null,
        approvedFrom: approved ? item.service_from : null, approvedTo: approved ? (validTo > item.service_to ? validTo : item.service_to) : null,
      });
    }
    const actions = items.map((i) => (decisions.find((d) => d.sequence === i.sequence)?.action ?? i.action) as ItemAction);
    const status = requestStatus(actions, row.status === 'info-requested');
    const done = status !== 'pended' && status !== 'info-requested';
    await setPriorAuthState(trx, found, { status, updatedAt: now.toISOString(), ...(done ? { decidedAt: now.toISOString(), decidedBy: ctx.actor } : {}) });
    await addPriorAuthEvent(trx, ctx, found, now.toISOString(), 'decided', { status, decisions });
    await recordAudit(trx, ctx, { action: 'update', resourceType: 'Claim', resourceId: found, memberKeys: [row.member_key], detail: { use: 'preauthorization', decision: status } });
    return { found, done };
  });
  const view = (await getPriorAuth(db, ctx, status.found, now))!;
  const deliveries = status.done ? await notifySubscribers(deps, view, base) : [];
  return { view, deliveries };
}

export async function requestMoreInformation(deps: Deps, ctx: AccessContext, id: string, input: { message: string; extend: boolean }, base: string): Promise<{ view: PriorAuthView; deliveries: Delivery[] }> {
  if (!canReviewPriorAuth(ctx)) throw new TandemError('FORBIDDEN', 'only the payer\'s clinical reviewers and administrators ask for more information');
  const message = input.message.trim();
  if (message.length < 10) throw new TandemError('INVALID_REQUEST', 'say specifically what information is needed (at least 10 characters)');
  const db = deps.store.db;
  const now = deps.clock();
  const found = await db.transaction().execute(async (trx) => {
    const found = await findPriorAuthId(trx, ctx, id, true);
    if (!found) throw new TandemError('NOT_FOUND', `Prior authorization ${id}`);
    const row = (await priorAuthRow(trx, found))!;
    if (row.status !== 'pended' && row.status !== 'info-requested') throw new TandemError('CONFLICT', `request ${id} is ${row.status}, not awaiting review`);
    if (input.extend && row.priority !== 'standard') throw new TandemError('INVALID_REQUEST', 'only a standard request\'s time frame is extended here; decide expedited requests within 72 hours');
    if (input.extend && row.extended) throw new TandemError('CONFLICT', `request ${id} was already extended once`);
    const extend = input.extend ? { extended: true, dueAt: dueAt(new Date(row.received_at), row.priority, true).toISOString() } : {};
    await trx.updateTable('prior_auth_item').set({ reason: `more information needed: ${message}` }).where('auth_id', '=', found).where('action', '=', 'pended').execute();
    await setPriorAuthState(trx, found, { status: 'info-requested', updatedAt: now.toISOString(), ...extend });
    await addPriorAuthEvent(trx, ctx, found, now.toISOString(), 'information-requested', { message, extendedDays: input.extend ? EXTENSION_DAYS : 0 });
    await recordAudit(trx, ctx, { action: 'update', resourceType: 'Claim', resourceId: found, memberKeys: [row.member_key], detail: { use: 'preauthorization', action: 'request-info' } });
    return found;
  });
  const view = (await getPriorAuth(db, ctx, found, now))!;
  return { view, deliveries: await notifySubscribers(deps, view, base) };
}

/**
 * The provider appeals a denial (a reconsideration): the denied services go back to the
 * reviewer queue with the provider's argument, on the appeal clock (30 days standard, 72 hours
 * expedited, from the appeal). One level of appeal here; the initial determination stays on
 * record for the CMS-0057-F decision times, and an approval now counts as "approved after appeal".
 */
export async function appealPriorAuth(deps: Deps, ctx: AccessContext, id: string, reason: string): Promise<PriorAuthView> {
  if (ctx.orgKind !== 'provider') throw new TandemError('FORBIDDEN', 'the requesting provider appeals its own denials');
  const text = reason.trim();
  if (text.length < 10) throw new TandemError('INVALID_REQUEST', 'say why the denial should be reconsidered (at least 10 characters)');
  const db = deps.store.db;
  const now = deps.clock();
  const found = await db.transaction().execute(async (trx) => {
    const found = await findPriorAuthId(trx, ctx, id, true);
    if (!found) throw new TandemError('NOT_FOUND', `Prior authorization ${id}`);
    const row = (await priorAuthRow(trx, found))!;
    if (row.appealed) throw new TandemError('CONFLICT', `request ${id} was already appealed`);
    const denied = await trx.updateTable('prior_auth_item').set({ action: 'pended', reason: `appeal: ${text}` }).where('auth_id', '=', found).where('action', '=', 'denied').executeTakeFirst();
    if (Number(denied.numUpdatedRows) === 0) throw new TandemError('CONFLICT', `request ${id} has no denied service to appeal`);
    await setPriorAuthState(trx, found, { status: 'pended', updatedAt: now.toISOString(), decidedAt: null, decidedBy: null, appealed: true, appealedAt: now.toISOString(), dueAt: appealDueAt(now, row.priority).toISOString() });
    await addPriorAuthEvent(trx, ctx, found, now.toISOString(), 'appealed', { reason: text });
    await recordAudit(trx, ctx, { action: 'update', resourceType: 'Claim', resourceId: found, memberKeys: [row.member_key], detail: { use: 'preauthorization', action: 'appeal' } });
    return found;
  });
  return (await getPriorAuth(db, ctx, found, now))!;
}
