/**
 * The prior authorization metrics CMS-0057-F requires payers to publish each year
 * (42 CFR 422.122(c), 438.210(f), 440.230(e), 457.732(f), 45 CFR 156.223(c)): percent of standard
 * requests approved, denied and approved after appeal; percent of requests approved after an
 * extended review time frame; percent of expedited requests approved and denied; average and
 * median time from submission to determination, for standard and for expedited requests.
 *
 * How Tandem reads them (the rule lists the metrics but does not define each term):
 * - "approved" and "denied" are the initial determination, so they add up to 100 % of the year's
 *   determinations and a request is never counted twice. A request counts as approved when any
 *   service on it was approved (in full or modified) and as denied when every reviewed service was;
 *   requests no rule covered, or cancelled before a determination, are not counted.
 * - "approved after appeal" is a request whose initial determination was a denial and whose
 *   appeal approved it (in full or modified), out of all requests of that priority — the rule's
 *   wording ("percentage of standard prior authorization requests that were approved after
 *   appeal"); the counts are published too, so the share of appeals can be read as well.
 * - "approved with an extended time frame": the time frame was extended and the initial
 *   determination approved the request, out of all requests.
 * - Decision time runs from receipt to the initial determination (an appeal has its own clock).
 */
import type { PriorAuthPriority } from './time-limits.ts';
import type { RequestStatus } from './review.ts';

export interface DecidedRequest {
  readonly priority: PriorAuthPriority;
  /** The initial determination. */
  readonly status: RequestStatus;
  /** The status now: after an appeal, the reconsideration's outcome (pended while it is under review). */
  readonly current: RequestStatus;
  readonly receivedAt: Date;
  /** When the initial determination was made. */
  readonly decidedAt: Date;
  readonly extended: boolean;
  readonly appealed: boolean;
}

export interface PriorityMetrics {
  readonly requests: number;
  readonly approved: number;
  readonly denied: number;
  /** Requests initially denied and then appealed, and those the appeal approved (a partly approved request is already "approved"). */
  readonly appealed: number;
  readonly approvedAfterAppeal: number;
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
const UNDECIDED: readonly RequestStatus[] = ['not-required', 'cancelled', 'pended', 'info-requested'];
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
  const approved = rs.filter((r) => APPROVED.includes(r.status)).length;
  const denied = rs.filter((r) => r.status === 'denied').length;
  const appealed = rs.filter((r) => r.appealed && r.status === 'denied');
  const approvedAfterAppeal = appealed.filter((r) => APPROVED.includes(r.current)).length;
  return {
    requests: rs.length, approved, denied, appealed: appealed.length, approvedAfterAppeal,
    approvedPct: pct(approved, rs.length),
    deniedPct: pct(denied, rs.length),
    approvedAfterAppealPct: pct(approvedAfterAppeal, rs.length),
    averageDecisionHours: h.length ? round2(h.reduce((a, b) => a + b, 0) / h.length) : null,
    medianDecisionHours: h.length ? round2(median(h)!) : null,
  };
}

/** The year's report, over requests whose initial determination fell in that calendar year (UTC). */
export function priorAuthMetrics(year: number, decided: readonly DecidedRequest[]): PriorAuthMetrics {
  const ofYear = decided.filter((r) => r.decidedAt.getUTCFullYear() === year && !UNDECIDED.includes(r.status));
  return {
    year,
    requests: ofYear.length,
    standard: forPriority(ofYear.filter((r) => r.priority === 'standard')),
    expedited: forPriority(ofYear.filter((r) => r.priority === 'expedited')),
    extendedAndApprovedPct: pct(ofYear.filter((r) => r.extended && APPROVED.includes(r.status)).length, ofYear.length),
  };
}
