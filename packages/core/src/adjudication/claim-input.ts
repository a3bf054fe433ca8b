/**
 * A claim as the payer received it, independent of transport (X12 837P/837I today,
 * FHIR Claim later). The server maps transport models to this.
 */
import type { Cents } from '../money/index.ts';

export type ClaimKind = 'professional' | 'institutional';

export interface ClaimLineInput {
  readonly lineNumber: number;
  readonly procedureCode: string | null;
  readonly modifiers: readonly string[];
  readonly revenueCode: string | null;
  /** Decimal string as sent (SV104 / SV205), e.g. "1", "2.5". */
  readonly units: string;
  readonly chargeCents: Cents;
  readonly serviceDateFrom: string;
  readonly serviceDateTo: string;
  readonly placeOfService: string | null;
  /** REF*G1 on the line (loop 2400): the prior authorization it is billed under; overrides the claim's. */
  readonly priorAuthorization?: string | null;
}

export interface ClaimInput {
  readonly kind: ClaimKind;
  readonly billingNpi: string | null;
  readonly billingTin: string | null;
  readonly billingName: string;
  /** CLM01, echoed in 835 CLP01. */
  readonly patientControlNumber: string;
  /** CLM05-3: 1 original, 7 replacement, 8 void. */
  readonly frequencyCode: string;
  /** NM109 of the subscriber loop (2010BA). */
  readonly memberId: string;
  readonly patientFirstName: string | null;
  readonly patientLastName: string;
  readonly patientDateOfBirth: string | null;
  readonly placeOfService: string | null;
  readonly typeOfBill: string | null;
  readonly diagnoses: readonly { readonly qualifier: string; readonly code: string }[];
  readonly renderingNpi: string | null;
  readonly totalChargeCents: Cents;
  readonly lines: readonly ClaimLineInput[];
  /** REF*G1 on the claim (loop 2300): the payer's prior authorization number for its services. */
  readonly priorAuthorization?: string | null;
}

/** Earliest and latest service dates across lines. */
export function serviceSpan(claim: Pick<ClaimInput, 'lines'>): { from: string; to: string } {
  let from = '9999-12-31';
  let to = '0000-01-01';
  for (const l of claim.lines) {
    if (l.serviceDateFrom < from) from = l.serviceDateFrom;
    if (l.serviceDateTo > to) to = l.serviceDateTo;
  }
  return { from, to };
}
