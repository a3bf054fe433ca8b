/**
 * Assigns each eligible member: voluntary alignment wins; else step 1 (primary care services
 * by primary care practitioners), else step 2 (primary care services by specialists).
 * Plurality of allowed charges; ties go to the organization with the most recent
 * qualifying service, then to the lower organization id (deterministic, written here so both
 * parties can check it).
 */
import type { AttributionParameters, AttributionService, MemberAttribution, VoluntaryAlignment } from './attribution-model.ts';

/** 42 CFR 425.400(c)(1) primary care service codes (CY 2025 list, office/home/domiciliary E/M, AWV, TCM, CCM, PCM, BHI, ACP, virtual check-ins). */
export const MSSP_PRIMARY_CARE_CODES: ReadonlySet<string> = new Set([
  ...rangeCodes(99201, 99215), ...rangeCodes(99304, 99318), ...rangeCodes(99319, 99340), ...rangeCodes(99341, 99350),
  '99421', '99422', '99423', '99424', '99425', '99426', '99427', '99437', '99439', '99441', '99442', '99443', '99484', '99487', '99489', '99490', '99491',
  '99492', '99493', '99494', '99495', '99496', '99497', '99498', 'G0402', 'G0438', 'G0439', 'G0463', 'G0506', 'G2010', 'G2012', 'G2211', 'G2214',
]);

/** Internal (207R00000X), family (207Q…), general practice (208D…), geriatrics (207RG0300X), pediatrics (2080…); NP (363L…), PA (363A…), CNS (364S…). */
export const MSSP_PRIMARY_CARE_TAXONOMIES: readonly string[] = ['207R00000X', '207RG0300X', '207Q', '208D', '2080', '363L', '363A', '364S'];

function rangeCodes(a: number, b: number): string[] {
  return Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
}

export const MSSP_DEFAULTS: AttributionParameters = { primaryCareCodes: MSSP_PRIMARY_CARE_CODES, primaryCareTaxonomies: MSSP_PRIMARY_CARE_TAXONOMIES, minCoverageMonths: 1 };

export function isPrimaryCarePractitioner(taxonomy: string, p: AttributionParameters): boolean {
  return p.primaryCareTaxonomies.some((t) => (t.length === 10 ? taxonomy === t : taxonomy.startsWith(t)));
}

function plurality(services: readonly AttributionService[]): MemberAttribution['totals'] {
  const by = new Map<string, { orgId: string; allowedCents: number; services: number; lastService: string }>();
  for (const s of services) {
    const t = by.get(s.orgId) ?? { orgId: s.orgId, allowedCents: 0, services: 0, lastService: '' };
    t.allowedCents += s.allowedCents;
    t.services++;
    if (s.serviceDate > t.lastService) t.lastService = s.serviceDate;
    by.set(s.orgId, t);
  }
  return [...by.values()].sort((a, b) => b.allowedCents - a.allowedCents || (a.lastService < b.lastService ? 1 : a.lastService > b.lastService ? -1 : 0) || (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));
}

/**
 * @param eligible member keys eligible in the window (coverage months)
 * @param services every service line of the window (non-primary-care ones are ignored here)
 * @param voluntary member-designated organizations, as an organization id or the designation
 *   with its practitioner and dates (only eligible members count; the caller passes those in effect)
 */
export function attributeMembers(
  eligible: readonly string[],
  services: readonly AttributionService[],
  voluntary: ReadonlyMap<string, string | VoluntaryAlignment>,
  p: AttributionParameters = MSSP_DEFAULTS,
): MemberAttribution[] {
  const byMember = new Map<string, AttributionService[]>();
  for (const s of services) {
    if (!p.primaryCareCodes.has(s.procedureCode)) continue;
    const list = byMember.get(s.memberKey);
    if (list) list.push(s);
    else byMember.set(s.memberKey, [s]);
  }
  return eligible.map((memberKey): MemberAttribution => {
    const mine = byMember.get(memberKey) ?? [];
    const pcp = mine.filter((s) => isPrimaryCarePractitioner(s.taxonomy, p));
    const [step, pool] = pcp.length ? (['primary-care-practitioner', pcp] as const) : mine.length ? (['specialist', mine] as const) : (['none', []] as const);
    const dollars = (c: number) => `$${(c / 100).toFixed(2)}`;
    const v = voluntary.get(memberKey);
    if (v) {
      const a: VoluntaryAlignment = typeof v === 'string' ? { orgId: v, from: '' } : v;
      // The claims are still weighed, so the explanation shows what the designation overrode.
      const totals = step === 'none' ? [] : plurality(pool);
      const claimsWinner = totals[0];
      const who = `the member designated this organization${a.practitionerNpi ? ` (practitioner NPI ${a.practitionerNpi})` : ''}${a.from ? ` from ${a.from}` : ''}${a.until ? ` until ${a.until}` : ''}`;
      const overrode = !claimsWinner ? 'no primary care service in the window'
        : claimsWinner.orgId === a.orgId ? `the plurality of primary care allowed charges agrees (${dollars(claimsWinner.allowedCents)})`
          : `the plurality of primary care allowed charges would have assigned ${claimsWinner.orgId} (${dollars(claimsWinner.allowedCents)} over ${claimsWinner.services} service(s))`;
      return { memberKey, orgId: a.orgId, step: 'voluntary', totals, services: mine.filter((s) => s.orgId === a.orgId), reason: `${who}; voluntary alignment wins over claims — ${overrode}` };
    }
    if (step === 'none') return { memberKey, orgId: null, step, totals: [], services: [], reason: 'no primary care service in the window' };
    const totals = plurality(pool);
    const win = totals[0]!;
    const tie = totals[1] && totals[1].allowedCents === win.allowedCents;
    return {
      memberKey, orgId: win.orgId, step, totals, services: pool.filter((s) => s.orgId === win.orgId),
      reason: `${step === 'specialist' ? 'step 2 (no primary care practitioner seen): specialists' : 'step 1: primary care practitioners'}; plurality of allowed charges for primary care services ${dollars(win.allowedCents)} over ${win.services} service(s)` +
        (tie ? `; tied with ${totals[1]!.orgId} — the most recent service (${win.lastService}) decides, then the lower organization id` : ''),
    };
  });
}

export interface RosterChange {
  readonly memberKey: string;
  readonly change: 'new' | 'changed' | 'dropped';
  readonly from: string | null;
  readonly to: string | null;
}

/** New, changed and dropped assignments between two runs (keyed by member). */
export function rosterChanges(previous: ReadonlyMap<string, string | null>, current: ReadonlyMap<string, string | null>): RosterChange[] {
  const out: RosterChange[] = [];
  for (const [m, to] of current) {
    const from = previous.get(m) ?? null;
    if (from === to) continue;
    if (!from && to) out.push({ memberKey: m, change: 'new', from: null, to });
    else if (from && !to) out.push({ memberKey: m, change: 'dropped', from, to: null });
    else out.push({ memberKey: m, change: 'changed', from, to });
  }
  for (const [m, from] of previous) if (from && !current.has(m)) out.push({ memberKey: m, change: 'dropped', from, to: null });
  return out.sort((a, b) => (a.memberKey < b.memberKey ? -1 : 1));
}
