/**
 * The prior authorization metrics CMS-0057-F requires payers to publish each year
 * (42 CFR 422.122(c), 438.210(f), 440.230(e), 457.732(f), 45 CFR 156.223(c)): percent of standard
 * requests approved, denied and approved after appeal; percent of requests approved after an
 * extended review time frame; percent of expedited requests approved and denied; average and
 * median time from submission to determination, for standard and for expedited requests.
 * A request counts as approved when any service on it was approved (in full or modified) and
 * as denied when every reviewed service was denied; requests no rule covered are not counted.
 */
import type { PriorAuthPriority } from './time-limits.ts';
import type { RequestStatus } from './review.ts';

export interface DecidedRequest {
  readonly priority: PriorAuthPriority;
  readonly status: RequestStatus;
  readonly receivedAt: Date;
  readonly decidedAt: Date;
  readonly extended: boolean;
  readonly appealed: boolean;
}

export interface PriorityMetrics {
  readonly requests: number;
  readonly approvedPct: number;
  readonly deniedPct: number;
  readonly approvedAfterAppealPct: number;
  readonly averageDecisionHours: number | null;
  readonly medianDecisionHours: number | null;
}

export interface PriorAuthMetrics {
  readonly year: number;
  readonly standard: PriorityMetrics;
  readonly expedited: PriorityMetrics;
  readonly extendedAndApprovedPct: number;
  readonly requests: number;
}

const APPROVED: readonly RequestStatus[] = ['approved', 'modified', 'partial'];
/** Percent to one decimal place; 0 when there is nothing to divide. */
const pct = (n: number, d: number) => (d === 0 ? 0 : Math.round((n * 1000) / d) / 10);
const hours = (r: DecidedRequest) => (r.decidedAt.getTime() - r.receivedAt.getTime()) / 3_600_000;
const round2 = (x: number) => Math.round(x * 100) / 100;

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function forPriority(rs: readonly DecidedRequest[]): PriorityMetrics {
  const h = rs.map(hours);
  return {
    requests: rs.length,
    approvedPct: pct(rs.filter((r) => APPROVED.includes(r.status)).length, rs.length),
    deniedPct: pct(rs.filter((r) => r.status === 'denied').length, rs.length),
    approvedAfterAppealPct: pct(rs.filter((r) => r.appealed && APPROVED.includes(r.status)).length, rs.length),
    averageDecisionHours: h.length ? round2(h.reduce((a, b) => a + b, 0) / h.length) : null,
    medianDecisionHours: h.length ? round2(median(h)!) : null,
  };
}

/**
 * The year's report, over requests whose initial determination fell in that calendar year (UTC).
 * A denial under appeal still counts as denied until the appeal is decided.
 */
export function priorAuthMetrics(year: number, decided: readonly DecidedRequest[]): PriorAuthMetrics {
  const ofYear = decided
    .map((r) => (r.appealed && (r.status === 'pended' || r.status === 'info-requested') ? { ...r, status: 'denied' as const } : r))
    .filter((r) => r.decidedAt.getUTCFullYear() === year && r.status !== 'not-required' && r.status !== 'cancelled' && r.status !== 'pended');
  return {
    year,
    requests: ofYear.length,
    standard: forPriority(ofYear.filter((r) => r.priority === 'standard')),
    expedited: forPriority(ofYear.filter((r) => r.priority === 'expedited')),
    extendedAndApprovedPct: pct(ofYear.filter((r) => r.extended && APPROVED.includes(r.status)).length, ofYear.length),
  };
}
