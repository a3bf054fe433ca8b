/** The typed 835 remittance model (005010X221A1). */
import type { Address } from './model-837.ts';

export type AdjustmentGroup = 'CO' | 'PR' | 'OA' | 'PI' | 'CR';

export interface Adjustment835 {
  group: AdjustmentGroup;
  reason: string;
  amountCents: number;
}

export interface Remittance835Line {
  procedure: { qualifier: string; code: string; modifiers: string[] } | null;
  revenueCode?: string;
  chargeCents: number;
  paidCents: number;
  units: string;
  serviceDateFrom: string;
  serviceDateTo: string;
  lineControlNumber?: string;
  /** AMT*B6 allowed amount. */
  allowedCents?: number;
  adjustments: Adjustment835[];
  /** LQ*HE remark codes (RARC). */
  remarks: string[];
}

export interface Remittance835Claim {
  patientControlNumber: string;
  /** CLP02: 1 processed as primary, 2 secondary, 3 tertiary, 4 denied, 22 reversal. */
  status: '1' | '2' | '3' | '4' | '22';
  chargeCents: number;
  paidCents: number;
  patientRespCents: number;
  filingIndicator: string;
  payerClaimControlNumber: string;
  facilityCode?: string;
  frequencyCode?: string;
  patient: { lastName: string; firstName?: string; memberId: string };
  adjustments: Adjustment835[];
  serviceDateFrom?: string;
  serviceDateTo?: string;
  lines: Remittance835Line[];
}

export interface Remittance835 {
  payer: { name: string; id: string; address?: Address };
  payee: { name: string; npi: string; taxId?: string; address?: Address };
  paymentDate: string;
  traceNumber: string;
  totalPaidCents: number;
  method: 'ACH' | 'CHK' | 'NON';
  claims: Remittance835Claim[];
  providerAdjustments: Array<{ reason: string; reference?: string; amountCents: number }>;
}
