/**
 * The shared quality view: measure rates against targets per provider organization (and over the
 * years, the trend), open gaps with what each member is missing, one member's results with the
 * claim or submitted resource behind every criterion, summary MeasureReports, and DEQM care gaps.
 * Payer and provider call the same functions; the store scopes what each sees and audits it.
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { gapsBundle, summaryMeasureReport, type StoredResult } from '@tandem/fhir';
import { findMeasure, listMeasurePackages, measureRates, memberSubmissions, practitionerPatients, qualityYears, searchMeasureResults, visibleQualityMember } from '@tandem/store';
import type { Deps } from '../deps.ts';

const COUNT_KEYS = ['initial-population', 'denominator', 'denominator-exclusion', 'denominator-exception', 'numerator'] as const;

/** Rate in basis points: numerator / (denominator − exclusions − exceptions); null when nobody is eligible. */
export function rateBps(c: { denominator: number; denominator_exclusion: number; denominator_exception: number; numerator: number }): number | null {
  const eligible = c.denominator - c.denominator_exclusion - c.denominator_exception;
  return eligible > 0 ? Math.round((c.numerator * 10_000) / eligible) : null;
}

type RateRow = Awaited<ReturnType<typeof measureRates>>[number];

function sum(rows: readonly RateRow[]) {
  const t = { initial_population: 0, denominator: 0, denominator_exclusion: 0, denominator_exception: 0, numerator: 0, open_gaps: 0 };
  for (const r of rows) for (const k of Object.keys(t) as Array<keyof typeof t>) t[k] += r[k];
  return t;
}

/** Rates per measure, overall and per organization, with targets and the rate of every year with results (trend). */
export async function qualityOverview(deps: Deps, ctx: AccessContext, requested: number | null) {
  const db = deps.store.db;
  const years = await qualityYears(db, ctx);
  // Without a year: the latest with results (else this year).
  const year = requested ?? years[0] ?? deps.clock().getUTCFullYear();
  const packages = await listMeasurePackages(db);
  const byYear = new Map<number, RateRow[]>();
  for (const y of years.length ? years : [year]) byYear.set(y, await measureRates(db, ctx, y));
  const rows = byYear.get(year) ?? (await measureRates(db, ctx, year));
  return {
    year,
    years,
    measures: packages.map((p) => {
      const mine = rows.filter((r) => r.measure_id === p.id);
      const total = sum(mine);
      return {
        id: p.id, name: p.name, title: p.title, targetBps: p.target_bps, improvementNotation: p.improvement_notation,
        ...total, rateBps: rateBps(total),
        organizations: mine.map((r) => ({ orgId: r.org_id, orgName: r.org_name ?? 'Unattributed', initialPopulation: r.initial_population, denominator: r.denominator, excluded: r.denominator_exclusion + r.denominator_exception, numerator: r.numerator, openGaps: r.open_gaps, rateBps: rateBps(r) })),
        trend: [...byYear.entries()].sort((a, b) => a[0] - b[0]).map(([y, rs]) => ({ year: y, rateBps: rateBps(sum(rs.filter((r) => r.measure_id === p.id))) })),
      };
    }),
  };
}

/** What closes the gap: the measure's numerator criterion as the measure itself words it. */
function numeratorDescription(bundle: unknown): string {
  const m = (bundle as { entry?: Array<{ resource?: { resourceType?: string; group?: Array<{ population?: Array<{ code?: { coding?: Array<{ code?: string }> }; description?: string }> }> } }> }).entry?.[0]?.resource;
  return m?.group?.[0]?.population?.find((p) => p.code?.coding?.[0]?.code === 'numerator')?.description ?? 'the numerator criterion';
}

async function missingByMeasure(deps: Deps): Promise<Map<string, string>> {
  const rows = await deps.store.db.selectFrom('measure_package').select(['id', 'bundle']).execute();
  return new Map(rows.map((r) => [r.id, numeratorDescription(r.bundle)]));
}

/** Open (or closed) gaps, per organization, with what is missing for each member. */
export async function qualityGaps(deps: Deps, ctx: AccessContext, f: { year: number; orgId?: string | undefined; measure?: string | undefined; status?: 'open' | 'closed' }) {
  const measure = f.measure ? await findMeasure(deps.store.db, f.measure) : undefined;
  if (f.measure && !measure) throw new TandemError('NOT_FOUND', `measure ${f.measure}`);
  const rows = await searchMeasureResults(deps.store.db, ctx, { period: f.year, orgId: f.orgId, measureId: measure?.id, gap: f.status ?? 'open', limit: 1_000 });
  const missing = await missingByMeasure(deps);
  return {
    year: f.year,
    items: rows.map((r) => ({
      memberKey: r.member_key, memberId: r.member_id, name: `${r.first_name} ${r.last_name}`, birthDate: r.dob, gender: r.gender,
      measure: r.measure_name, measureTitle: r.measure_title, orgId: r.org_id, orgName: r.org_name ?? 'Unattributed', gap: r.gap,
      missing: r.gap === 'open' ? missing.get(r.measure_id) ?? '' : null,
    })),
  };
}

/** One member's results for the year: every population with the claim or submission that decided it, and the member's submissions. */
export async function qualityMemberDetail(deps: Deps, ctx: AccessContext, memberKey: string, year: number) {
  const db = deps.store.db;
  const member = await visibleQualityMember(db, ctx, memberKey);
  if (!member) throw new TandemError('NOT_FOUND', `Patient/${memberKey}`);
  // A provider sees the member's results when they are attributed to it; results are scoped in the store.
  const rows = await searchMeasureResults(db, ctx, { period: year, memberKey });
  const missing = await missingByMeasure(deps);
  const submissions = await memberSubmissions(db, memberKey);
  return {
    member: { key: member.key, name: `${member.first_name} ${member.last_name}`, birthDate: member.dob, gender: member.gender },
    year,
    results: rows.map((r) => ({ measure: r.measure_name, measureTitle: r.measure_title, orgId: r.org_id, orgName: r.org_name, gap: r.gap, populations: r.populations, evidence: r.evidence, missing: r.gap === 'open' ? missing.get(r.measure_id) ?? '' : null, evaluatedAt: r.evaluated_at, error: r.error })),
    submissions: submissions.map((s) => ({ id: s.id, channel: s.channel, actor: s.actor, submitterOrgId: s.submitter_org_id, submitterName: s.submitter_name, receivedAt: s.received_at, resources: s.resources })),
  };
}

/** Summary MeasureReports (FHIR) per measure for an organization, a contract's organization, or everything the caller sees. */
export async function qualitySummaryReports(deps: Deps, ctx: AccessContext, f: { year: number; orgId?: string | undefined; contractId?: string | undefined }) {
  const db = deps.store.db;
  let orgId = f.orgId;
  if (f.contractId) {
    const c = await db.selectFrom('contract').select(['provider_org_id', 'payer_org_id']).where('id', '=', f.contractId).executeTakeFirst();
    if (!c || (ctx.orgId !== c.payer_org_id && ctx.orgId !== c.provider_org_id)) throw new TandemError('NOT_FOUND', `contract ${f.contractId}`);
    orgId = c.provider_org_id;
  }
  const rows = await measureRates(db, ctx, f.year, orgId);
  const packages = await listMeasurePackages(db);
  const reports = packages.map((p) => {
    const t = sum(rows.filter((r) => r.measure_id === p.id));
    const counts: Record<string, number> = { 'initial-population': t.initial_population, denominator: t.denominator, 'denominator-exclusion': t.denominator_exclusion, 'denominator-exception': t.denominator_exception, numerator: t.numerator };
    for (const k of COUNT_KEYS) counts[k] ??= 0;
    return summaryMeasureReport({ measureUrl: p.url, measureVersion: p.version, improvementNotation: p.improvement_notation, period: f.year, counts }, orgId ? { reference: `Organization/${orgId}` } : null, ctx.orgId);
  });
  return { resourceType: 'Bundle', type: 'collection', total: reports.length, entry: reports.map((resource) => ({ resource })) };
}

/**
 * DEQM `Measure/$care-gaps`: a Parameters resource with one gaps Bundle per patient, for a patient
 * (subject=Patient/x) or an organization's patients (organization=Organization/x), open and/or closed.
 */
export async function careGaps(deps: Deps, ctx: AccessContext, q: { periodStart?: string; periodEnd?: string; subject?: string; organization?: string; practitioner?: string; measureId?: string; status: Array<'open-gap' | 'closed-gap'> }) {
  const db = deps.store.db;
  if (!q.periodStart || !q.periodEnd || !/^\d{4}-\d{2}-\d{2}$/.test(q.periodStart) || !/^\d{4}-\d{2}-\d{2}$/.test(q.periodEnd)) throw new TandemError('INVALID_REQUEST', 'periodStart and periodEnd are required dates (YYYY-MM-DD)');
  const year = Number(q.periodStart.slice(0, 4));
  if (q.periodEnd.slice(0, 4) !== q.periodStart.slice(0, 4)) throw new TandemError('INVALID_REQUEST', 'the period must lie within one calendar year (measures are evaluated per year)');
  if (!q.status.length) throw new TandemError('INVALID_REQUEST', 'status is required: open-gap and/or closed-gap');
  if (!q.subject && !q.organization && !q.practitioner) throw new TandemError('INVALID_REQUEST', 'give subject=Patient/<id>, organization=Organization/<id> or practitioner=Practitioner/<id>');
  const memberKey = q.subject ? /^Patient\/(.+)$/.exec(q.subject)?.[1] : undefined;
  if (q.subject && !memberKey) throw new TandemError('INVALID_REQUEST', 'subject must be Patient/<id> (Group subjects are not supported; use organization)');
  const orgId = q.organization ? /^Organization\/(.+)$/.exec(q.organization)?.[1] : undefined;
  if (q.organization && !orgId) throw new TandemError('INVALID_REQUEST', 'organization must be Organization/<id>');
  const practitionerId = q.practitioner ? /^Practitioner\/(.+)$/.exec(q.practitioner)?.[1] : undefined;
  if (q.practitioner && !practitionerId) throw new TandemError('INVALID_REQUEST', 'practitioner must be Practitioner/<id>');
  // A practitioner's patients: members with a claim the practitioner rendered in the year.
  const memberKeys = practitionerId ? await practitionerPatients(db, ctx, practitionerId, year) : undefined;
  if (memberKeys === null) throw new TandemError('NOT_FOUND', `Practitioner/${practitionerId}`);
  const measure = q.measureId ? await findMeasure(db, q.measureId) : undefined;
  if (q.measureId && !measure) throw new TandemError('NOT_FOUND', `Measure/${q.measureId}`);
  if (memberKey && !(await visibleQualityMember(db, ctx, memberKey))) throw new TandemError('NOT_FOUND', `Patient/${memberKey}`);
  const rows = await searchMeasureResults(db, ctx, { period: year, memberKey, memberKeys, orgId, measureId: measure?.id, limit: 10_000 });
  const packages = new Map((await listMeasurePackages(db)).map((p) => [p.id, p]));
  const byMember = new Map<string, typeof rows>();
  for (const r of rows) byMember.set(r.member_key, [...(byMember.get(r.member_key) ?? []), r]);
  const now = deps.clock().toISOString();
  const status = new Set(q.status);
  const parameter = [];
  for (const [key, rs] of byMember) {
    const results: StoredResult[] = rs.map((r) => {
      const p = packages.get(r.measure_id)!;
      return { memberKey: key, measureUrl: p.url, measureVersion: p.version, measureTitle: p.title, period: r.period, populations: r.populations, gap: r.gap, evidence: r.evidence as StoredResult['evidence'], improvementNotation: p.improvement_notation };
    });
    if (!results.some((r) => (r.gap === 'open' && status.has('open-gap')) || (r.gap === 'closed' && status.has('closed-gap')))) continue;
    const first = rs[0]!;
    parameter.push({ name: 'return', resource: gapsBundle({ key, firstName: first.first_name, lastName: first.last_name, dateOfBirth: first.dob, gender: first.gender }, results, { reporter: ctx.orgId, now, status }) });
  }
  return { resourceType: 'Parameters', parameter };
}
