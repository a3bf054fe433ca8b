/**
 * A risk adjustment run: every Medicare Advantage member of the payer scored with CMS-HCC
 * V28 for a payment year, from the diagnoses of risk-adjustment-eligible claims with service
 * in the year before (professional and outpatient claims with an eligible CPT/HCPCS line;
 * inpatient bill types 11x/41x). Stored as one immutable run with each member's explanation.
 */
import { ageOnFebruaryFirst, chooseCommunitySegment, scoreHcc, TandemError, type AccessContext, type HccParameters } from '@tandem/core';
import { insertRiskRun, recordAudit, reserveNumbers, riskClaims, riskPopulation, type Db, type RiskClaim, type RiskScoreRow } from '@tandem/store';
import type { Deps } from '../deps.ts';
import { HCC_PARAMETERS_DEFAULT, loadHccV28, loadRaEligibleCodes } from '../reference-data/hcc-v28.ts';

export interface RiskRunSummary {
  readonly id: string;
  readonly paymentYear: number;
  readonly diagnosisYear: number;
  readonly members: number;
  readonly membersWithHccs: number;
  /** Means to three / four places, as decimal strings. */
  readonly meanRaw: string;
  readonly meanPayment: string;
  readonly topHccs: ReadonlyArray<{ hcc: string; label: string; members: number }>;
}

const INPATIENT = /^(11|41)/;
const OUTPATIENT = /^(13|71|73|76|77|85)/;

/** Whether a claim's diagnoses count for risk adjustment. */
export function riskEligible(c: RiskClaim, eligibleCodes: ReadonlySet<string>): boolean {
  if (c.kind === 'institutional') {
    const tob = c.typeOfBill ?? '';
    if (INPATIENT.test(tob)) return true;
    return OUTPATIENT.test(tob) && c.procedures.some((p) => eligibleCodes.has(p));
  }
  return c.procedures.some((p) => eligibleCodes.has(p));
}

/** Sum of decimal strings with `places` decimals, divided by n, as a decimal string (exact integer arithmetic). */
function mean(values: readonly string[], places: number): string {
  if (values.length === 0) return (0).toFixed(places);
  const scale = 10n ** BigInt(places);
  const total = values.reduce((s, v) => s + BigInt(v.replace('.', '')), 0n);
  const n = BigInt(values.length);
  const q = (2n * total + n) / (2n * n);
  return `${q / scale}.${(q % scale).toString().padStart(places, '0')}`;
}

export async function runRiskAdjustment(deps: Deps, ctx: AccessContext, opts: { paymentYear: number; parameters?: HccParameters }): Promise<RiskRunSummary> {
  if (ctx.orgKind !== 'payer' || !(ctx.role === 'admin' || ctx.role === 'analyst' || ctx.role === 'system')) throw new TandemError('FORBIDDEN', 'only payer administrators and analysts run risk adjustment');
  const tables = loadHccV28();
  const eligibleCodes = loadRaEligibleCodes();
  const parameters = opts.parameters ?? HCC_PARAMETERS_DEFAULT;
  const diagnosisYear = opts.paymentYear - 1;
  const from = `${diagnosisYear}-01-01`;
  const to = `${diagnosisYear}-12-31`;
  const db = deps.store.db;
  const members = await riskPopulation(db, ctx.orgId, from, to);
  const dx = new Map<string, Set<string>>();
  for (const c of await riskClaims(db, ctx.orgId, from, to)) {
    if (!riskEligible(c, eligibleCodes)) continue;
    let set = dx.get(c.memberKey);
    if (!set) dx.set(c.memberKey, (set = new Set()));
    // ICD-10-CM qualifiers only (ABK principal, ABF other, ABJ admitting, APR reason for visit …).
    for (const d of c.diagnoses) if (d.qualifier.startsWith('AB') || d.qualifier === 'APR') set.add(d.code);
  }
  const scores: RiskScoreRow[] = members.map((m) => {
    const age = ageOnFebruaryFirst(m.dateOfBirth, opts.paymentYear);
    // Community segments from dual status and Medicare status when enrollment carries them
    // (Tuva/CCLF does; generated and 834 enrollment do not, so those members score as non-dual).
    const { segment, orec, why } = chooseCommunitySegment({ age, dualStatus: m.dualStatus, medicareStatuses: m.medicareStatuses });
    const s = scoreHcc(tables, { age, sex: m.gender === 'F' ? 'F' : 'M', segment, orec, diagnoses: [...(dx.get(m.key) ?? [])] }, parameters);
    return { memberKey: m.key, segment, age, raw: s.raw, payment: s.payment, hccs: [...s.hccs], explanation: { segment: why, terms: s.terms, diagnoses: s.diagnoses, dropped: s.dropped } };
  });
  const id = await db.transaction().execute(async (trx) => {
    const n = await reserveNumbers(trx as Db, 'risk-run', 1);
    const runId = `risk-${opts.paymentYear}-${n}`;
    await insertRiskRun(trx as Db, { id: runId, payerOrgId: ctx.orgId, paymentYear: opts.paymentYear, diagnosisYear, model: 'CMS-HCC V28', parameters: { ...parameters } }, scores);
    await recordAudit(trx as Db, ctx, { action: 'create', resourceType: 'RiskRun', resourceId: runId, detail: { paymentYear: opts.paymentYear, members: scores.length } });
    return runId;
  });
  const counts = new Map<string, number>();
  for (const s of scores) for (const h of s.hccs) counts.set(h, (counts.get(h) ?? 0) + 1);
  return {
    id, paymentYear: opts.paymentYear, diagnosisYear, members: scores.length, membersWithHccs: scores.filter((s) => s.hccs.length > 0).length,
    meanRaw: mean(scores.map((s) => s.raw), 3), meanPayment: mean(scores.map((s) => s.payment), 4),
    topHccs: [...counts].sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0])).slice(0, 10).map(([hcc, members]) => ({ hcc, label: tables.labels.get(hcc) ?? '', members })),
  };
}
