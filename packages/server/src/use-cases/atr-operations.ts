/**
 * Da Vinci ATR STU2 operations on a contract's roster (the attribution list Group):
 * `$member-add` and `$member-remove` (the payer's reconciliation changes, kept on top of the
 * attribution run), `$attribution-status` (membership state of given members) and
 * `$confirm-attribution-list` (the provider confirms the list). Where ATR is silent, Tandem's
 * choices are written on each function and in README "Access APIs".
 * https://hl7.org/fhir/us/davinci-atr/STU2/operations.html
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { attributionGroup, SYSTEM } from '@tandem/fhir';
import {
  insertRosterChange, insertRosterConfirmation, lastChangeId, latestRosterChanges, latestRunOf, recordAudit, rosterMemberKeys, searchRosters, type Db,
} from '@tandem/store';
import { sql } from 'kysely';

type Resource = Record<string, unknown>;
interface Param { name: string; valueIdentifier?: { system?: string; value?: string }; valueReference?: { reference?: string }; valuePeriod?: { start?: string; end?: string }; valueString?: string }

function params(body: unknown, op: string): Param[] {
  const p = body as { resourceType?: string; parameter?: Param[] } | null;
  if (!p || p.resourceType !== 'Parameters') throw new TandemError('INVALID_REQUEST', `${op}: the body must be a FHIR Parameters resource`);
  return p.parameter ?? [];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

async function contractFor(db: Db, ctx: AccessContext, contractId: string) {
  if (ctx.patientKey !== undefined) throw new TandemError('FORBIDDEN', 'attribution lists are not available to a patient-context token');
  const c = await db.selectFrom('contract').selectAll().where('id', '=', contractId).executeTakeFirst();
  // A roster outside your organizations is a 404, the same as a missing one.
  if (!c || (ctx.orgKind === 'payer' ? c.payer_org_id : c.provider_org_id) !== ctx.orgId) throw new TandemError('NOT_FOUND', `Group/${contractId}`);
  const run = await latestRunOf(db, c.payer_org_id);
  return { contract: c, run };
}

/** The roster Group as the caller sees it (after a change or a confirmation). */
export async function rosterGroup(db: Db, ctx: AccessContext, contractId: string, memberKeys?: readonly string[]): Promise<Resource> {
  const { groups } = await searchRosters(db, ctx, { contractId, limit: 1, offset: 0, ...(memberKeys ? { memberKeys } : {}) });
  const g = groups[0];
  if (!g) throw new TandemError('NOT_FOUND', `Group/${contractId}`);
  return attributionGroup({
    contractId: g.contract.id, contractName: g.contract.name, payerOrgId: g.contract.payer_org_id, providerOrgId: g.contract.provider_org_id,
    contractFrom: String(g.contract.effective_from).slice(0, 10), contractTo: g.contract.effective_to ? String(g.contract.effective_to).slice(0, 10) : null,
    run: g.run, members: g.members, confirmation: g.confirmation,
  }) as unknown as Resource;
}

/** The member a `memberId` Identifier or `patientReference` names, among the payer's members. */
async function memberOf(db: Db, payerOrgId: string, ps: Param[], op: string) {
  const id = ps.find((p) => p.name === 'memberId')?.valueIdentifier?.value;
  const ref = ps.find((p) => p.name === 'patientReference')?.valueReference?.reference;
  if (!id && !ref) throw new TandemError('INVALID_REQUEST', `${op} needs memberId (valueIdentifier) or patientReference (valueReference)`);
  let q = db.selectFrom('member').select(['key', 'member_id']).where('payer_org_id', '=', payerOrgId);
  if (ref) {
    if (!ref.startsWith('Patient/')) throw new TandemError('INVALID_REQUEST', `${op}: patientReference must be Patient/{id}, not ${ref}`);
    q = q.where('key', '=', ref.slice(8));
  }
  if (id) q = q.where('member_id', '=', id);
  const m = await q.executeTakeFirst();
  if (!m) throw new TandemError('NOT_FOUND', `member ${id ?? ref}`);
  return m;
}

/**
 * `providerNpi` / `providerReference`, when sent, must name the roster's provider: the
 * organization (by id or NPI) or one of its practitioners (by NPI). A roster is one contract's,
 * so a member cannot be attributed to another provider through it.
 */
async function checkProvider(db: Db, providerOrgId: string, ps: Param[], op: string): Promise<void> {
  const npi = ps.find((p) => p.name === 'providerNpi')?.valueIdentifier?.value;
  const ref = ps.find((p) => p.name === 'providerReference')?.valueReference?.reference;
  if (ref && ref !== `Organization/${providerOrgId}`) {
    const pr = ref.startsWith('Practitioner/') ? await db.selectFrom('practitioner').select('org_id').where('id', '=', ref.slice(13)).executeTakeFirst() : undefined;
    if (pr?.org_id !== providerOrgId) throw new TandemError('INVALID_REQUEST', `${op}: providerReference ${ref} is not the provider of this attribution list (Organization/${providerOrgId})`);
  }
  if (npi) {
    const org = await db.selectFrom('organization').select('id').where('npi', '=', npi).where('id', '=', providerOrgId).executeTakeFirst();
    const pr = org ? undefined : await db.selectFrom('practitioner').select('org_id').where('npi', '=', npi).where('org_id', '=', providerOrgId).executeTakeFirst();
    if (!org && !pr) throw new TandemError('INVALID_REQUEST', `${op}: providerNpi ${npi} is neither the list's provider organization nor one of its practitioners`);
  }
}

async function onRoster(db: Db, contractId: string, memberKey: string): Promise<boolean> {
  const r = await sql<{ x: number }>`select 1 as x from ${rosterMemberKeys(contractId)} r where r.member_key = ${memberKey}`.execute(db);
  return r.rows.length > 0;
}

/**
 * `$member-add` / `$member-remove`. Decisions where ATR is silent: only the payer (the list's
 * producer) changes a list — a provider adding members to its own roster would change what it
 * is paid on; a change applies to the payer's latest attribution run (a new run starts from its
 * own result); `reason` (valueString) is stored with the change, `attributionPeriod` becomes the
 * member's period on the list; adding a member already on the list or removing one who is not is
 * a 409/404. A change made after the provider confirmed the list reopens it (status `open`).
 */
export async function changeRoster(db: Db, ctx: AccessContext, contractId: string, action: 'add' | 'remove', body: unknown): Promise<Resource> {
  const op = `$member-${action}`;
  if (ctx.orgKind !== 'payer') throw new TandemError('FORBIDDEN', `${op} is the payer's: ask the payer to change the attribution list`);
  const ps = params(body, op);
  const { contract, run } = await contractFor(db, ctx, contractId);
  if (!run) throw new TandemError('CONFLICT', `Group/${contractId} has no attribution run yet; run attribution first`);
  const member = await memberOf(db, contract.payer_org_id, ps, op);
  await checkProvider(db, contract.provider_org_id, ps, op);
  const period = ps.find((p) => p.name === 'attributionPeriod')?.valuePeriod;
  if (period && ((period.start && !DAY.test(period.start.slice(0, 10))) || (period.end && !DAY.test(period.end.slice(0, 10))) || (period.start && period.end && period.end < period.start))) throw new TandemError('INVALID_REQUEST', `${op}: attributionPeriod must have dates with end on or after start`);
  const on = await onRoster(db, contractId, member.key);
  if (action === 'add' && on) throw new TandemError('CONFLICT', `member ${member.member_id} is already on Group/${contractId}`);
  if (action === 'remove' && !on) throw new TandemError('NOT_FOUND', `member ${member.member_id} on Group/${contractId}`);
  const reason = ps.find((p) => p.name === 'reason')?.valueString?.trim() || '(no reason given)';
  await insertRosterChange(db, ctx, { contractId, runId: run.id, memberKey: member.key, action, reason, periodStart: period?.start?.slice(0, 10) ?? null, periodEnd: period?.end?.slice(0, 10) ?? null });
  return rosterGroup(db, ctx, contractId);
}

/**
 * `$confirm-attribution-list`: the provider (the list's consumer) confirms the list as it
 * stands. Stored with who and when, the run and the last change it saw; the Group shows status
 * `final` and the confirmation (extension) until the payer changes the list again.
 */
export async function confirmAttributionList(db: Db, ctx: AccessContext, contractId: string): Promise<Resource> {
  if (ctx.orgKind !== 'provider') throw new TandemError('FORBIDDEN', '$confirm-attribution-list is for the provider the list is attributed to');
  const { run } = await contractFor(db, ctx, contractId);
  if (!run) throw new TandemError('CONFLICT', `Group/${contractId} has no attribution list to confirm yet`);
  const n = await sql<{ n: number }>`select count(*)::int as n from ${rosterMemberKeys(contractId)} r`.execute(db);
  await insertRosterConfirmation(db, ctx, { contractId, runId: run.id, lastChangeId: await lastChangeId(db, contractId, run.id), members: n.rows[0]?.n ?? 0 });
  return rosterGroup(db, ctx, contractId);
}

/**
 * `$attribution-status` for one or more members (`memberId` / `patientReference`, repeated): a
 * collection Bundle with the list's Group narrowed to those members — on the list (`inactive`
 * false, with period and change type), or removed by the payer (`inactive` true, the removal's
 * period and reason) — and an OperationOutcome naming the members that are not on the list.
 * Answered at once (the state is one query); nothing of members outside the list is disclosed.
 */
export async function attributionStatus(db: Db, ctx: AccessContext, contractId: string, body: unknown): Promise<Resource> {
  const ps = params(body, '$attribution-status').filter((p) => p.name === 'memberId' || p.name === 'patientReference');
  if (ps.length === 0) throw new TandemError('INVALID_REQUEST', '$attribution-status needs memberId (valueIdentifier) or patientReference (valueReference), one or more');
  const { contract, run } = await contractFor(db, ctx, contractId);
  const changes = run ? await latestRosterChanges(db, contractId, run.id) : new Map();
  const asked = ps.map((p) => (p.name === 'memberId' ? { by: 'memberId', value: p.valueIdentifier?.value ?? '' } : { by: 'patientReference', value: p.valueReference?.reference ?? '' }));
  // Resolve the asked members among the payer's (for removed members, who are not in the Group).
  const ids = asked.filter((a) => a.by === 'memberId').map((a) => a.value);
  const keys = asked.filter((a) => a.by === 'patientReference').map((a) => a.value.replace(/^Patient\//, ''));
  const known = ids.length || keys.length
    ? await db.selectFrom('member').select(['key', 'member_id']).where('payer_org_id', '=', contract.payer_org_id)
      .where((eb) => eb.or([...(ids.length ? [eb('member_id', 'in', ids)] : []), ...(keys.length ? [eb('key', 'in', keys)] : [])])).execute()
    : [];
  // The Group narrowed to the asked members: only they are read (and audited as read).
  const group = await rosterGroup(db, ctx, contractId, known.map((k) => k.key));
  const members = (group['member'] as Array<{ entity: { reference: string; identifier?: { value?: string } } }> | undefined) ?? [];
  const out: Array<Record<string, unknown>> = [];
  const missing: string[] = [];
  for (const a of asked) {
    const m = known.find((k) => (a.by === 'memberId' ? k.member_id === a.value : `Patient/${k.key}` === a.value || k.key === a.value));
    const entry = m ? members.find((x) => x.entity.reference === `Patient/${m.key}`) : undefined;
    const change = m ? changes.get(m.key) : undefined;
    if (entry) out.push({ ...entry, inactive: false });
    else if (m && change?.action === 'remove') {
      out.push({
        entity: { reference: `Patient/${m.key}`, identifier: { system: SYSTEM.memberId, value: m.member_id } }, inactive: true,
        ...(change.period_start || change.period_end ? { period: { ...(change.period_start ? { start: change.period_start } : {}), ...(change.period_end ? { end: change.period_end } : {}) } } : {}),
        extension: [{ url: 'https://tandem.health/fhir/StructureDefinition/attribution-change-reason', valueString: change.reason }],
      });
    } else missing.push(a.value);
  }
  const keysShown = out.map((e) => String((e['entity'] as { reference: string }).reference).slice(8));
  await recordAudit(db, ctx, { action: 'read', resourceType: 'Group', resourceId: contractId, memberKeys: keysShown, detail: { operation: 'attribution-status', asked: asked.length, found: out.length } });
  const narrowed = { ...group, member: out, quantity: out.length };
  return {
    resourceType: 'Bundle', type: 'collection',
    entry: [
      { fullUrl: `Group/${contractId}`, resource: narrowed },
      ...(missing.length ? [{ resource: { resourceType: 'OperationOutcome', issue: missing.map((v) => ({ severity: 'warning', code: 'not-found', diagnostics: `${v} is not on the attribution list Group/${contractId}` })) } }] : []),
    ],
  };
}
