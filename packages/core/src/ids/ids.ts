/** Branded identifiers: a MemberId cannot be passed where a ClaimId is expected. */
export type MemberKey = string & { readonly __brand: 'MemberKey' };
export type OrgId = string & { readonly __brand: 'OrgId' };
export type ClaimId = string & { readonly __brand: 'ClaimId' };
export type PlanId = string & { readonly __brand: 'PlanId' };

/** Generates identifiers; injected so tests and the generator are deterministic. */
export interface IdGenerator {
  next(prefix: string): string;
}

/** A simple counter-based generator for tests. */
export function sequentialIds(start = 1): IdGenerator {
  let n = start;
  return { next: (prefix) => `${prefix}-${String(n++).padStart(8, '0')}` };
}
