/**
 * Who is asking, for whom, and why. Built at the edge from a verified token, passed to
 * every repository call; the repository enforces the policy below and writes the audit.
 */
export const ROLES = ['admin', 'analyst', 'billing', 'clinician', 'system'] as const;
export type Role = (typeof ROLES)[number];

export const PURPOSES = ['treatment', 'payment', 'operations', 'member-request'] as const;
export type Purpose = (typeof PURPOSES)[number];

export interface AccessContext {
  readonly actor: string;
  readonly orgId: string;
  readonly orgKind: 'payer' | 'provider';
  readonly role: Role;
  readonly purpose: Purpose;
  /**
   * Set for a SMART patient-context token (a member's app): every read is confined to this
   * member, whatever the organization could otherwise see.
   */
  readonly patientKey?: string;
  /** Set for SMART tokens: the granted resource scopes (patient/*.rs, system/ExplanationOfBenefit.rs, …). */
  readonly smartScopes?: readonly string[];
}

/** Only payer administrators and billing staff may run remittance; providers submit claims. */
export function canRunRemittance(ctx: AccessContext): boolean {
  return ctx.orgKind === 'payer' && (ctx.role === 'admin' || ctx.role === 'billing' || ctx.role === 'system');
}

/** Providers submit their claims; payer administrators and the system may submit on intake's behalf. */
export function canSubmitClaims(ctx: AccessContext): boolean {
  return ctx.orgKind === 'provider' || ctx.role === 'admin' || ctx.role === 'system';
}
