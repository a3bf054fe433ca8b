import type { BenefitDesign, Contract, Coverage, FeeScheduleVersion, Member, Organization, Plan } from '../registry/index.ts';
import type { AccumulatorLedger } from './accumulators.ts';
import type { AuthorizationLedger, AuthRuleSet } from '../prior-auth/index.ts';

export interface CoverageTerms {
  readonly coverage: Coverage;
  readonly plan: Plan;
  readonly benefitDesigns: readonly BenefitDesign[];
}

/** Finds the fee schedule version in effect for a schedule on a date. */
export type FeeScheduleLookup = (scheduleId: string, date: string) => FeeScheduleVersion | null;

/**
 * Everything adjudication needs to know, resolved by the caller from the store.
 * Adjudication itself does no I/O.
 */
export interface AdjudicationContext {
  readonly payerOrgId: string;
  /** null when no member of this payer has the claim's member id. */
  readonly member: Member | null;
  readonly coverages: readonly CoverageTerms[];
  /** The billing provider organization, matched on its type-2 NPI; null if unknown. */
  readonly provider: Organization | null;
  /** Whether the billing NPI passed its check digit. */
  readonly billingNpiValid: boolean;
  /** The provider's contracts with this payer (any dates). */
  readonly contracts: readonly Contract[];
  readonly feeSchedules: FeeScheduleLookup;
  readonly renderingTaxonomy: string | null;
  /** The id of an earlier claim this one exactly duplicates, if any. */
  readonly duplicateOf: string | null;
  readonly ledger: AccumulatorLedger;
  /** The payer's prior authorization rules and the member's approved authorizations; absent = no authorization check. */
  readonly authorization?: { readonly ruleSets: readonly AuthRuleSet[]; readonly ledger: AuthorizationLedger };
}
