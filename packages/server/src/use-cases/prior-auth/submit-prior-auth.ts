/**
 * One engine for every way a prior authorization request arrives (PAS $submit, X12 278, the
 * dashboard form): find the member and their coverage on each service date, evaluate each item
 * against the plan's rules (approve automatically, pend for clinical review, or note that no
 * authorization is needed), start the CMS-0057-F clock, and store it all in one transaction.
 * Updates re-evaluate an earlier request; cancellations close it. A resubmission of the same
 * submitter identifier is answered from the stored request, never stored twice.
 */
import {
  authRequirement, canSubmitClaims, clockState, dueAt, evaluateItem, requestStatus, TandemError, type AccessContext, type AuthRuleSet, type ItemAction, type PriorAuthRequest, type PriorAuthView,
} from '@tandem/core';
import {
  createPriorAuth, findPriorAuthId, getPriorAuth, loadAuthRuleSets, memberServiceHistory, addPriorAuthEvent, priorAuthRow, recordAudit, replacePriorAuthItems,
  setPriorAuthState, type Db, type NewPriorAuthItem,
} from '@tandem/store';
import { isoDate, type Deps } from '../../deps.ts';

export type SubmitOutcome =
  | { readonly kind: 'stored'; readonly view: PriorAuthView; readonly created: boolean }
  | { readonly kind: 'member-not-found'; readonly payerName: string };

const DAY = 86_400_000;
const addDays = (date: string, n: number) => isoDate(new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY));

/**
 * The payer a request is for: the one whose payer id or NPI the submitter named, else the first
 * payer that offers plans (another health plan on file for Payer-to-Payer exchange has none).
 */
async function resolvePayer(db: Db, insurerId: string | null) {
  const payers = await db.selectFrom('organization').select(['id', 'name', 'payer_code', 'npi']).where('kind', '=', 'payer')
    .orderBy(({ exists, selectFrom }) => exists(selectFrom('plan').select('plan.id').whereRef('plan.payer_org_id', '=', 'organization.id')), 'desc').orderBy('id').execute();
  return payers.find((p) => insurerId !== null && (p.payer_code === insurerId || p.npi === insurerId)) ?? payers[0] ?? null;
}

/** The requesting organization: a provider submits for itself (its NPI or one of its practitioners'); the payer's staff name it by NPI. */
async function resolveProvider(db: Db, ctx: AccessContext, npi: string | null): Promise<{ id: string; name: string; npi: string | null }> {
  if (ctx.orgKind === 'provider') {
    const own = await db.selectFrom('organization').select(['id', 'name', 'npi']).where('id', '=', ctx.orgId).executeTakeFirstOrThrow();
    if (npi && own.npi !== npi && !(await db.selectFrom('practitioner').select('id').where('npi', '=', npi).where('org_id', '=', ctx.orgId).executeTakeFirst()))
      throw new TandemError('FORBIDDEN', `the requesting provider NPI ${npi} is not your organization or one of its practitioners`);
    return own;
  }
  const org = npi ? await db.selectFrom('organization').select(['id', 'name', 'npi']).where('npi', '=', npi).where('kind', '=', 'provider').executeTakeFirst() : undefined;
  if (!org) throw new TandemError('INVALID_REQUEST', `no provider organization has the requesting NPI ${npi ?? '(none)'}`);
  return org;
}

interface Evaluated { items: NewPriorAuthItem[]; actions: ItemAction[] }

/** Evaluates every item against the plan in force on its date; a date without coverage is an administrative denial. */
async function evaluate(db: Db, memberKey: string, req: PriorAuthRequest, sets: readonly AuthRuleSet[]): Promise<Evaluated> {
  const coverages = await db.selectFrom('coverage').select(['plan_id', 'effective_from', 'effective_to']).where('member_key', '=', memberKey).execute();
  const coverageOn = (date: string) => coverages.find((c) => c.effective_from <= date && (c.effective_to === null || date <= c.effective_to));
  // Claims history is read only when a matching rule's criteria ask for prior treatment.
  const priorCodes = new Set<string>();
  for (const it of req.items) {
    const cov = coverageOn(it.from);
    const hit = cov && authRequirement(sets, { planId: cov.plan_id, date: it.from, code: it.code, placeOfService: it.placeOfService, units: it.units, diagnoses: req.diagnoses });
    for (const c of hit ? (hit.rule.autoApprove ?? []) : []) if (c.kind === 'prior-service') c.codes.forEach((x) => priorCodes.add(x));
  }
  const lastDate = req.items.reduce((m, i) => (i.from > m ? i.from : m), '0000-01-01');
  const history = priorCodes.size ? await memberServiceHistory(db, memberKey, [...priorCodes], lastDate) : [];
  const items = req.items.map((it): NewPriorAuthItem => {
    const cov = coverageOn(it.from);
    const base = { sequence: it.sequence, code: it.code, codeSystem: it.codeSystem, modifiers: it.modifiers, placeOfService: it.placeOfService, unitsRequested: it.units, from: it.from, to: it.to, traceNumber: it.traceNumber };
    if (!cov) return { ...base, unitsApproved: null, action: 'denied', reason: `the member has no coverage with this plan on ${it.from}`, ruleSetId: null, ruleId: null, documentation: [], criteria: [], approvedFrom: null, approvedTo: null };
    const e = evaluateItem(sets, { planId: cov.plan_id, date: it.from, code: it.code, placeOfService: it.placeOfService, units: it.units, diagnoses: req.diagnoses }, { answers: req.answers, history });
    const approved = e.action === 'approved';
    const validTo = e.rule ? addDays(it.from, e.rule.validDays - 1) : it.to;
    return {
      ...base, unitsApproved: e.unitsApproved, action: e.action, reason: e.reason, ruleSetId: e.ruleSetId, ruleId: e.rule?.id ?? null, documentation: e.rule?.documentation ?? [], criteria: e.criteria,
      approvedFrom: approved ? it.from : null, approvedTo: approved ? (validTo > it.to ? validTo : it.to) : null,
    };
  });
  return { items, actions: items.map((i) => i.action) };
}

export async function submitPriorAuth(deps: Deps, ctx: AccessContext, req: PriorAuthRequest, channel: 'fhir' | 'x12' | 'dashboard', raw: Record<string, unknown>, insurerId: string | null = null): Promise<SubmitOutcome> {
  if (!canSubmitClaims(ctx)) throw new TandemError('FORBIDDEN', 'only providers and administrators submit prior authorization requests');
  const db = deps.store.db;
  const now = deps.clock();
  const payer = await resolvePayer(db, insurerId);
  if (!payer) throw new TandemError('INVALID_REQUEST', 'no payer is configured');
  const member = await db.selectFrom('member').select(['key', 'member_id', 'first_name', 'last_name', 'date_of_birth', 'gender']).where('payer_org_id', '=', payer.id).where('member_id', '=', req.memberId).executeTakeFirst();
  if (!member) {
    await recordAudit(db, ctx, { action: 'create', resourceType: 'Claim', outcome: 'error', detail: { use: 'preauthorization', reason: 'member not found', submitter: req.submitterRef.value } });
    return { kind: 'member-not-found', payerName: payer.name };
  }
  const provider = await resolveProvider(db, ctx, req.requesterNpi);
  const providerOrgId = provider.id;
  const providerCtx: AccessContext = ctx.orgKind === 'provider' ? ctx : { ...ctx, orgId: providerOrgId, orgKind: 'provider' };
  const sets = await loadAuthRuleSets(db, payer.id);

  if (req.action !== 'submit') return { kind: 'stored', view: await amend(deps, ctx, providerCtx, req, member.key, sets, raw), created: false };

  const { items, actions } = await evaluate(db, member.key, req, sets);
  const status = requestStatus(actions);
  const decided = status !== 'pended';
  const row = {
    payerOrgId: payer.id, providerOrgId, memberKey: member.key, channel, priority: req.priority, status, submitterRef: req.submitterRef,
    receivedAt: now.toISOString(), dueAt: dueAt(now, req.priority).toISOString(), decidedAt: decided ? now.toISOString() : null, decidedBy: decided ? 'tandem-rules' : null,
    diagnoses: req.diagnoses, answers: req.answers, request: raw,
  };
  let id: string;
  try {
    id = await createPriorAuth(db, ctx, row, items, String(now.getUTCFullYear()));
  } catch (e) {
    // The submitter's identifier is already on file (a resubmission, or two racing): answer with the stored request.
    if ((e as { code?: string }).code !== '23505') throw e;
    const existing = await findPriorAuthId(db, providerCtx, req.submitterRef.value);
    if (!existing) throw e;
    return { kind: 'stored', view: (await getPriorAuth(db, ctx, existing, now))!, created: false };
  }
  deps.log.info({ priorAuth: id, status, channel }, 'prior authorization received');
  // The answer is built from what was just stored (no second read on the automatic-decision path).
  const view: PriorAuthView = {
    id, status, priority: req.priority, channel, submitterRef: req.submitterRef, receivedAt: row.receivedAt, dueAt: row.dueAt, decidedAt: row.decidedAt, extended: false, appealed: false,
    clock: clockState(now, new Date(row.dueAt), req.priority, decided ? now : null),
    member: { key: member.key, memberId: member.member_id, firstName: member.first_name, lastName: member.last_name, birthDate: member.date_of_birth, gender: member.gender },
    provider: { orgId: provider.id, name: provider.name, npi: provider.npi }, payer: { orgId: payer.id, name: payer.name }, diagnoses: req.diagnoses,
    items: items.map((i) => ({
      sequence: i.sequence, code: i.code, codeSystem: i.codeSystem, placeOfService: i.placeOfService, unitsRequested: i.unitsRequested, unitsApproved: i.unitsApproved, unitsUsed: 0,
      from: i.from, to: i.to, action: i.action, reason: i.reason, ruleId: i.ruleId, documentation: i.documentation, criteria: i.criteria, approvedFrom: i.approvedFrom, approvedTo: i.approvedTo, traceNumber: i.traceNumber,
    })),
  };
  return { kind: 'stored', view, created: true };
}

/** An update (re-evaluated items, the clock kept from the first receipt) or a cancellation of an earlier request. */
async function amend(deps: Deps, ctx: AccessContext, providerCtx: AccessContext, req: PriorAuthRequest, memberKey: string, sets: readonly AuthRuleSet[], raw: Record<string, unknown>): Promise<PriorAuthView> {
  const db = deps.store.db;
  const now = deps.clock();
  const ref = req.relatedRef ?? req.submitterRef.value;
  const evaluated = req.action === 'update' ? await evaluate(db, memberKey, req, sets) : null;
  const id = await db.transaction().execute(async (trx) => {
    const found = await findPriorAuthId(trx, providerCtx, ref, true);
    if (!found) throw new TandemError('NOT_FOUND', `Prior authorization request ${ref}`);
    const row = (await priorAuthRow(trx, found))!;
    if (row.member_key !== memberKey) throw new TandemError('INVALID_REQUEST', `request ${ref} is for another member`);
    if (row.status === 'cancelled') throw new TandemError('CONFLICT', `request ${ref} was cancelled`);
    if (req.action === 'cancel') {
      await trx.updateTable('prior_auth_item').set({ action: 'cancelled', reason: 'cancelled by the submitter' }).where('auth_id', '=', found).where('units_used', '=', 0).execute();
      const left = await trx.selectFrom('prior_auth_item').select('action').where('auth_id', '=', found).execute();
      await setPriorAuthState(trx, found, { status: requestStatus(left.map((l) => l.action as ItemAction)), updatedAt: now.toISOString(), decidedAt: row.decided_at ?? now.toISOString() });
      await addPriorAuthEvent(trx, ctx, found, now.toISOString(), 'cancelled', { submitter: req.submitterRef.value });
    } else {
      await replacePriorAuthItems(trx, found, evaluated!.items);
      const status = requestStatus(evaluated!.actions);
      await setPriorAuthState(trx, found, { status, updatedAt: now.toISOString(), decidedAt: status === 'pended' ? null : now.toISOString(), decidedBy: status === 'pended' ? null : 'tandem-rules' });
      // An update may make a request expedited (never the reverse); the clock still runs from the first receipt.
      const priority = row.priority === 'expedited' ? 'expedited' : req.priority;
      const due = priority !== row.priority ? { due_at: dueAt(new Date(row.received_at), priority, row.extended).toISOString() } : {};
      await trx.updateTable('prior_auth').set({ request: JSON.stringify(raw), diagnoses: JSON.stringify(req.diagnoses), answers: JSON.stringify(req.answers), priority, ...due }).where('id', '=', found).execute();
      await addPriorAuthEvent(trx, ctx, found, now.toISOString(), 'updated', { status, items: evaluated!.items.map((i) => ({ sequence: i.sequence, code: i.code, action: i.action, reason: i.reason })) });
    }
    await recordAudit(trx, ctx, { action: 'update', resourceType: 'Claim', resourceId: found, memberKeys: [memberKey], detail: { use: 'preauthorization', action: req.action } });
    return found;
  });
  return (await getPriorAuth(db, ctx, id, now))!;
}
