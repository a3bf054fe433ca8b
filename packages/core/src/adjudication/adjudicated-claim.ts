import type { AdjustmentGroup } from '../codes/index.ts';
import type { Cents } from '../money/index.ts';
import type { ServiceCategory } from '../registry/index.ts';

/** One CAS group/reason/amount. Positive amounts reduce payment. */
export interface Adjustment {
  readonly group: AdjustmentGroup;
  readonly carc: string;
  readonly amountCents: Cents;
}

export const CLAIM_STATUSES = ['paid', 'partial', 'denied', 'duplicate'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/**
 * A line after adjudication. Invariant (835 SVC balancing):
 * billedCents − Σ adjustments = paidCents.
 */
export interface AdjudicatedLine {
  readonly lineNumber: number;
  readonly procedureCode: string | null;
  readonly modifiers: readonly string[];
  readonly revenueCode: string | null;
  readonly units: string;
  readonly serviceDateFrom: string;
  readonly serviceDateTo: string;
  readonly category: ServiceCategory | null;
  readonly network: 'in' | 'out' | null;
  readonly billedCents: Cents;
  readonly allowedCents: Cents;
  readonly deductibleCents: Cents;
  readonly copayCents: Cents;
  readonly coinsuranceCents: Cents;
  readonly patientRespCents: Cents;
  readonly paidCents: Cents;
  readonly adjustments: readonly Adjustment[];
  readonly remarks: readonly string[];
  readonly feeScheduleVersionId: string | null;
}

/** The versions of rules and terms an adjudication used, so it can be reproduced. */
export interface AdjudicationProvenance {
  readonly engineVersion: string;
  readonly coverageId: string | null;
  readonly planId: string | null;
  readonly benefitDesignId: string | null;
  readonly contractId: string | null;
  readonly feeScheduleVersionIds: readonly string[];
  /** Prior authorization rule sets consulted and authorization numbers drawn on, when any line needed one. */
  readonly authRuleSetIds?: readonly string[];
  readonly authorizationNumbers?: readonly string[];
}

export interface AdjudicatedClaim {
  readonly status: ClaimStatus;
  readonly billedCents: Cents;
  readonly allowedCents: Cents;
  readonly paidCents: Cents;
  readonly patientRespCents: Cents;
  readonly network: 'in' | 'out' | null;
  readonly lines: readonly AdjudicatedLine[];
  readonly provenance: AdjudicationProvenance;
}
