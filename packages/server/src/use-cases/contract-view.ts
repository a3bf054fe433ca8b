/**
 * The shared view of a value-based contract for a performance year — the same JSON for the
 * payer and the provider organization: roster with its changes, risk distribution and
 * recapture list, PMPM by month against the benchmark, and the settlement runs; plus one
 * member's drill-down (why attributed, risk explanation, the year's claims).
 */
import { recaptureGaps, TandemError, type AccessContext, type HccSegment, type RecaptureGap } from '@tandem/core';
import { attributionExplanation, contractOfParty, listSettlements, memberYearTotals, memberClaimsOfPeriod, monthlyCost, recordAudit, riskOfMembers, rosterOfYear, termsInEffect } from '@tandem/store';
import type { Deps } from '../deps.ts';
import { loadHccV28 } from '../reference-data/hcc-v28.ts';

/** Payment-score buckets of the risk distribution (upper bounds, exclusive; scores ×10000). */
const BUCKETS: ReadonlyArray<readonly [string, number]> = [['< 0.50', 5000], ['0.50–0.74', 7500], ['0.75–0.99', 10000], ['1.00–1.49', 15000], ['1.50–1.99', 20000], ['2.00–2.99', 30000], ['≥ 3.00', Infinity]];

const e4 = (s: string) => Number(s.replace('.', '')); // numeric(8,4) text: always four places
const fromE4 = (n: number) => `${Math.floor(n / 10000)}.${String(n % 10000).padStart(4, '0')}`;
/** Integer division, half up (non-negative). */
const divHalfUp = (a: bigint, b: bigint) => (b === 0n ? 0n : (2n * a + b) / (2n * b));

export interface ContractOverview {
  readonly contract: { id: string; name: string; payerName: string; providerName: string; providerOrgId: string; effectiveFrom: string };
  readonly year: number;
  readonly terms: { version: number; effectiveFrom: string; type: string; benchmarkPmpmCents: number | null; riskAdjust: boolean } | null;
  readonly roster: null | {
    runId: string; createdAt: string; firstRun: boolean;
    counts: { members: number; new: number; changed: number; dropped: number };
    members: Array<{ key: string; memberId: string; name: string; step: string; reason: string; change: string; paymentScore: string | null; hccs: number; paidCents: number; memberMonths: number }>;
    dropped: Array<{ key: string; memberId: string; name: string }>;
  };
  readonly risk: null | { runId: string; paymentYear: number; scored: number; meanPaymentScore: string; distribution: Array<{ bucket: string; members: number }>; priorRunId: string | null };
  readonly recapture: { available: boolean; note: string; members: number; rawAtStake: string; gaps: Array<RecaptureGap & { memberId: string; name: string }> };
  readonly pmpm: { months: Array<{ month: string; memberMonths: number; paidCents: number; pmpmCents: number }>; memberMonths: number; paidCents: number; pmpmCents: number; benchmarkPmpmCents: number | null };
  readonly settlements: Array<{ id: string; period: number; termsVersion: number; createdAt: string; paymentCents: number }>;
}

export async function contractOverview(deps: Deps, ctx: AccessContext, opts: { contractId: string; year: number }): Promise<ContractOverview> {
  const db = deps.store.db;
  const c = await contractOfParty(db, ctx, opts.contractId);
  if (!c) throw new TandemError('NOT_FOUND', `contract ${opts.contractId}`);
  const year = opts.year;
  const termsRow = await termsInEffect(db, c.id, `${year}-12-31`);
  const t = (termsRow?.terms ?? {}) as { type?: string; benchmarkPmpmCents?: number; riskAdjust?: boolean };
  const terms = termsRow ? { version: termsRow.version, effectiveFrom: termsRow.effective_from, type: t.type ?? 'unknown', benchmarkPmpmCents: t.benchmarkPmpmCents ?? null, riskAdjust: t.riskAdjust === true } : null;
  const roster = await rosterOfYear(db, c.payer_org_id, c.provider_org_id, year);
  const keys = roster?.members.map((m) => m.key) ?? [];
  // Concurrent scores (this year's diagnoses, payment year + 1) and last year's (payment year) for recapture.
  const risk = await riskOfMembers(db, c.payer_org_id, year + 1, keys);
  const prior = await riskOfMembers(db, c.payer_org_id, year, keys);
  const months = await monthlyCost(db, c.payer_org_id, keys, year);
  const perMember = await memberYearTotals(db, c.payer_org_id, keys, year);

  const scores = risk ? [...risk.scores.values()].map((s) => e4(s.payment)) : [];
  // As the settlement counts it: roster members without a score (not Medicare Advantage) at 1.0000.
  const meanE4 = risk && keys.length ? Number(divHalfUp(BigInt(scores.reduce((a, b) => a + b, 0) + (keys.length - scores.length) * 10000), BigInt(keys.length))) : 10000;
  const memberMonths = months.reduce((s, m) => s + m.memberMonths, 0);
  const paidCents = months.reduce((s, m) => s + m.paidCents, 0);
  const pmpmOf = (paid: number, mm: number) => Number(divHalfUp(BigInt(paid), BigInt(mm)));

  let recapture: ContractOverview['recapture'];
  if (!risk || !prior) {
    recapture = { available: false, note: `needs risk runs for payment years ${year} and ${year + 1} (tandem risk run --year …)`, members: 0, rawAtStake: '0.000', gaps: [] };
  } else {
    const tables = loadHccV28();
    const gaps = recaptureGaps(tables, keys.flatMap((k) => {
      const p = prior.scores.get(k);
      if (!p || p.hccs.length === 0) return [];
      return [{ memberKey: k, segment: (risk.scores.get(k)?.segment ?? p.segment) as HccSegment, priorHccs: p.hccs, priorDiagnoses: p.diagnoses, currentHccs: risk.scores.get(k)?.hccs ?? [] }];
    }));
    const byKey = new Map(roster!.members.map((m) => [m.key, m]));
    const atStake = gaps.reduce((s, g) => s + Number(g.coefficient.replace('.', '')), 0);
    recapture = {
      available: true, note: `chronic HCCs coded for ${year - 1} dates of service and not supported by ${year} claims so far`,
      members: new Set(gaps.map((g) => g.memberKey)).size, rawAtStake: `${Math.floor(atStake / 1000)}.${String(atStake % 1000).padStart(3, '0')}`,
      gaps: gaps.map((g) => ({ ...g, memberId: byKey.get(g.memberKey)?.memberId ?? '', name: byKey.get(g.memberKey)?.name ?? '' })),
    };
  }
  const distribution = BUCKETS.map(([bucket]) => ({ bucket, members: 0 }));
  for (const s of scores) distribution[BUCKETS.findIndex(([, hi]) => s < hi)]!.members++;
  const settlements = (await listSettlements(db, ctx, c.id)) ?? [];

  await recordAudit(db, ctx, { action: 'read', resourceType: 'ContractView', resourceId: c.id, memberKeys: keys, detail: { year } });
  return {
    contract: { id: c.id, name: c.name, payerName: c.payer_name, providerName: c.provider_name, providerOrgId: c.provider_org_id, effectiveFrom: c.effective_from },
    year, terms,
    roster: roster && {
      runId: roster.runId, createdAt: roster.createdAt, firstRun: roster.firstRun,
      counts: { members: roster.members.length, new: roster.members.filter((m) => m.change === 'new').length, changed: roster.members.filter((m) => m.change === 'changed').length, dropped: roster.dropped.length },
      members: roster.members.map((m) => {
        const s = risk?.scores.get(m.key);
        const x = perMember.get(m.key);
        return { ...m, paymentScore: s?.payment ?? null, hccs: s?.hccs.length ?? 0, paidCents: x?.paidCents ?? 0, memberMonths: x?.memberMonths ?? 0 };
      }),
      dropped: roster.dropped,
    },
    risk: risk && { runId: risk.runId, paymentYear: year + 1, scored: scores.length, meanPaymentScore: fromE4(meanE4), distribution, priorRunId: prior?.runId ?? null },
    recapture,
    pmpm: {
      months: months.map((m) => ({ ...m, pmpmCents: pmpmOf(m.paidCents, m.memberMonths) })), memberMonths, paidCents, pmpmCents: pmpmOf(paidCents, memberMonths),
      // The benchmark PMPM the settlement uses: the terms' PMPM, times the roster's mean score when risk-adjusted.
      benchmarkPmpmCents: terms?.benchmarkPmpmCents == null ? null : terms.riskAdjust ? Number(divHalfUp(BigInt(terms.benchmarkPmpmCents) * BigInt(meanE4), 10000n)) : terms.benchmarkPmpmCents,
    },
    settlements: settlements.map((r) => ({ id: r.id, period: r.period, termsVersion: r.terms_version, createdAt: r.created_at, paymentCents: Number(r.payment_cents) })),
  };
}

export interface ContractMember {
  readonly contractId: string;
  readonly year: number;
  readonly member: { key: string; memberId: string; name: string; onRoster: boolean };
  readonly attribution: { step: string; explanation: unknown } | null;
  readonly risk: { current: unknown; prior: unknown };
  readonly claims: Awaited<ReturnType<typeof memberClaimsOfPeriod>>;
  readonly paidCents: number;
}

/**
 * One member of a contract's roster (or dropped from it this year): why attributed, the risk
 * explanation of both years, and every claim of the year behind the expenditure — all payers'
 * providers included, since the contract holds the organization accountable for the total.
 */
export async function contractMember(deps: Deps, ctx: AccessContext, opts: { contractId: string; year: number; memberKey: string }): Promise<ContractMember> {
  const db = deps.store.db;
  const c = await contractOfParty(db, ctx, opts.contractId);
  if (!c) throw new TandemError('NOT_FOUND', `contract ${opts.contractId}`);
  const roster = await rosterOfYear(db, c.payer_org_id, c.provider_org_id, opts.year);
  const m = roster?.members.find((x) => x.key === opts.memberKey) ?? roster?.dropped.find((x) => x.key === opts.memberKey);
  // Not on this contract's roster: the same answer whether or not the member exists.
  if (!roster || !m) throw new TandemError('NOT_FOUND', `member ${opts.memberKey} on contract ${c.id} in ${opts.year}`);
  const onRoster = roster.members.some((x) => x.key === opts.memberKey);
  // A member the organization lost this year: the provider learns that, not where the member went.
  const hidden = !onRoster && ctx.orgKind === 'provider';
  const attribution = hidden ? { step: 'dropped', orgId: null, explanation: { reason: 'no longer attributed to this organization in this run' } } : await attributionExplanation(db, roster.runId, opts.memberKey);
  const current = (await riskOfMembers(db, c.payer_org_id, opts.year + 1, [opts.memberKey]))?.scores.get(opts.memberKey) ?? null;
  const prior = (await riskOfMembers(db, c.payer_org_id, opts.year, [opts.memberKey]))?.scores.get(opts.memberKey) ?? null;
  const claims = hidden ? [] : await memberClaimsOfPeriod(db, c.payer_org_id, opts.memberKey, `${opts.year}-01-01`, `${opts.year}-12-31`);
  await recordAudit(db, ctx, { action: 'read', resourceType: 'ContractMember', resourceId: c.id, memberKeys: [opts.memberKey], detail: { year: opts.year, claims: claims.length } });
  return {
    contractId: c.id, year: opts.year, member: { key: m.key, memberId: m.memberId, name: m.name, onRoster }, attribution, risk: { current, prior }, claims,
    paidCents: claims.reduce((s, x) => s + x.paidCents, 0),
  };
}
