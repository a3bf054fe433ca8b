/**
 * A payer's remittance advice to one payee: the domain form of an 835 transaction set
 * (ASC X12 005010X221A1). Built from stored adjudication results; balanced by construction.
 */
import type { AdjudicatedLine } from '../adjudication/index.ts';
import type { Cents } from '../money/index.ts';

/** A remitted line: the adjudicated line's service, money, adjustments and remarks. */
export type RemittanceLine = Pick<
  AdjudicatedLine,
  'procedureCode' | 'modifiers' | 'revenueCode' | 'units' | 'serviceDateFrom' | 'serviceDateTo' | 'billedCents' | 'allowedCents' | 'paidCents' | 'adjustments' | 'remarks'
>;

export interface RemittanceClaim {
  readonly claimId: string;
  readonly patientControlNumber: string;
  readonly payerClaimControlNumber: string;
  /** 835 CLP02: 1 processed as primary, 4 denied. */
  readonly statusCode: '1' | '4';
  readonly billedCents: Cents;
  readonly paidCents: Cents;
  readonly patientRespCents: Cents;
  readonly filingIndicator: string;
  readonly facilityCode: string | null;
  readonly frequencyCode: string;
  readonly patient: { readonly memberId: string; readonly lastName: string; readonly firstName: string | null };
  readonly lines: readonly RemittanceLine[];
}

export interface RemittanceAdvice {
  readonly payeeNpi: string;
  readonly payeeName: string;
  readonly payeeTin: string | null;
  readonly claims: readonly RemittanceClaim[];
  readonly totalPaidCents: Cents;
}

export interface BalanceProblem {
  readonly where: string;
  readonly expected: Cents;
  readonly actual: Cents;
}

/**
 * The 835 balancing rules (X221A1 section 1.10.2): SVC02 − ΣCAS = SVC03 per line,
 * CLP03 − ΣCAS = CLP04 per claim (all adjustments being at line level here),
 * BPR02 = ΣCLP04 (no PLB yet). Returns every problem found.
 */
export function checkRemittanceBalance(advice: RemittanceAdvice): BalanceProblem[] {
  const problems: BalanceProblem[] = [];
  let sumPaid = 0;
  for (const c of advice.claims) {
    let claimAdj = 0;
    let linePaid = 0;
    for (const [i, l] of c.lines.entries()) {
      const adj = l.adjustments.reduce((s, a) => s + a.amountCents, 0);
      claimAdj += adj;
      linePaid += l.paidCents;
      if (l.billedCents - adj !== l.paidCents)
        problems.push({ where: `${c.patientControlNumber} line ${i + 1} SVC`, expected: l.billedCents - adj, actual: l.paidCents });
    }
    if (c.billedCents - claimAdj !== c.paidCents)
      problems.push({ where: `${c.patientControlNumber} CLP`, expected: c.billedCents - claimAdj, actual: c.paidCents });
    if (linePaid !== c.paidCents) problems.push({ where: `${c.patientControlNumber} Σ SVC03`, expected: c.paidCents, actual: linePaid });
    sumPaid += c.paidCents;
  }
  if (sumPaid !== advice.totalPaidCents) problems.push({ where: 'BPR02', expected: sumPaid, actual: advice.totalPaidCents });
  return problems;
}
