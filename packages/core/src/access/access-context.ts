/**
 * Who is asking, for whom, and why. Built at the edge from a verified token, passed to
 * every repository call; the repository enforces the policy below and writes the audit.
 */
export const ROLES = ['admin', 'analyst', 'billing', 'clinician', 'system'] as const;
export type Role = (typeof ROLES)[number];

export const PURPOSES = ['treatment', 'payment', 'operations', 'member-request'] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * The CMS-0057-F access APIs (42 CFR 422.119, 422.121): a disclosure through one of them is
 * audited with its name as the purpose (audit detail.purpose), so a member's disclosure log and
 * the payer's usage reports can tell a member's app from a provider or another plan.
 */
export const ACCESS_APIS = ['patient-access', 'provider-access', 'payer-to-payer'] as const;
export type AccessApi = (typeof ACCESS_APIS)[number];

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
  /**
   * Set for a member signed in to the dashboard (member self-service, with `patientKey`): the
   * session reaches the member's own /api/me routes and nothing else.
   */
  readonly memberSession?: boolean;
  /** The access API the request came through, when it is one (set at the edge, see ACCESS_APIS). */
  readonly accessApi?: AccessApi;
  /**
   * Set for a SMART backend system's token: the payer organization whose administrator
   * registered the system — the payer whose API the system was given. Another plan's system
   * acts for its own organization (`orgId`) but asks this payer (see answeringPayer).
   */
  readonly registrarOrgId?: string;
}

/**
 * The payer whose members answer a Payer-to-Payer match ($member-match, $bulk-member-match): the
 * payer that registered the calling system, else the caller's own organization (a staff token
 * names no other payer). A server holding several payers' members must never answer for a payer
 * the request was not addressed to.
 * https://hl7.org/fhir/us/davinci-pdex/STU2.1/payertopayerexchange.html (42 CFR 422.121(c))
 */
export function answeringPayer(ctx: AccessContext): string {
  return ctx.registrarOrgId ?? ctx.orgId;
}

/** What an audit record names as the purpose of a disclosure: the access API, or else the purpose of use. */
export function disclosurePurpose(ctx: AccessContext): AccessApi | Purpose {
  return ctx.accessApi ?? ctx.purpose;
}

/** Only payer administrators and billing staff may run remittance; providers submit claims. */
export function canRunRemittance(ctx: AccessContext): boolean {
  return ctx.orgKind === 'payer' && (ctx.role === 'admin' || ctx.role === 'billing' || ctx.role === 'system');
}

/** Providers submit their claims; payer administrators and the system may submit on intake's behalf. */
export function canSubmitClaims(ctx: AccessContext): boolean {
  return ctx.orgKind === 'provider' || ctx.role === 'admin' || ctx.role === 'system';
}
