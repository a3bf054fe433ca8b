/**
 * CMS-0057-F decision time limits, counted from receipt: 72 hours for expedited requests,
 * 7 calendar days for standard ones (42 CFR 422.568(b)(1), 422.572(a); 438.210(d)); a
 * standard request may be extended once by up to 14 days when more information is needed
 * and the extension is in the member's interest (42 CFR 422.568(b)(1)(i)).
 */
export const PRIORITIES = ['standard', 'expedited'] as const;
export type PriorAuthPriority = (typeof PRIORITIES)[number];

const HOUR = 3_600_000;
export const DECISION_HOURS: Readonly<Record<PriorAuthPriority, number>> = { expedited: 72, standard: 7 * 24 };
export const EXTENSION_DAYS = 14;
/** The queue warns this long before a deadline. */
export const WARN_HOURS: Readonly<Record<PriorAuthPriority, number>> = { expedited: 24, standard: 48 };

export function dueAt(receivedAt: Date, priority: PriorAuthPriority, extended = false): Date {
  return new Date(receivedAt.getTime() + DECISION_HOURS[priority] * HOUR + (extended ? EXTENSION_DAYS * 24 * HOUR : 0));
}

export type ClockState = 'on-time' | 'due-soon' | 'overdue' | 'decided-on-time' | 'decided-late';

/** Where a request stands against its deadline, for both sides' dashboards. */
export function clockState(now: Date, due: Date, priority: PriorAuthPriority, decidedAt: Date | null): ClockState {
  if (decidedAt) return decidedAt.getTime() <= due.getTime() ? 'decided-on-time' : 'decided-late';
  const left = due.getTime() - now.getTime();
  if (left < 0) return 'overdue';
  return left <= WARN_HOURS[priority] * HOUR ? 'due-soon' : 'on-time';
}

/**
 * A reconsideration of a denied pre-service request: 30 calendar days standard, 72 hours
 * expedited, from receipt of the appeal (42 CFR 422.590(a)(1), 422.590(e)(1)).
 */
export function appealDueAt(receivedAt: Date, priority: PriorAuthPriority): Date {
  return new Date(receivedAt.getTime() + (priority === 'expedited' ? 72 : 30 * 24) * HOUR);
}
