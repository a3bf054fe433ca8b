/**
 * The typed 837 claim model: what a program needs from an 837P/837I without knowing
 * segment positions. https://x12.org — 005010X222A1 (professional), 005010X223A2 (institutional)
 */
import type { Finding } from './finding.ts';

export interface Address {
  line1: string;
  line2?: string;
  city: string;
  state?: string;
  postalCode?: string;
}

export interface Claim837Line {
  /** LX01. */
  lineNumber: number;
  /** SV101 (837P) / SV202 (837I): qualifier HC, code, modifiers. */
  procedure?: { qualifier: string; code: string; modifiers: string[] };
  /** SV201 (837I). */
  revenueCode?: string;
  chargeCents: number;
  unitType: string;
  /** Decimal string as sent, e.g. "1", "2.5". */
  units: string;
  placeOfService?: string;
  diagnosisPointers: number[];
  serviceDateFrom: string;
  serviceDateTo: string;
  /** REF*6R. */
  lineControlNumber?: string;
  /** REF*G1 in loop 2400: the prior authorization this line is billed under (overrides the claim's). */
  priorAuthorization?: string;
  /** TOO02 tooth numbers (837D). */
  teeth?: string[];
}

export interface Claim837 {
  submitter: { name: string; id: string };
  receiver: { name: string; id: string };
  billingProvider: { npi: string | null; taxId: string | null; name: string; entityType: '1' | '2'; address?: Address; taxonomy?: string };
  payToProvider?: { name: string; address?: Address };
  subscriber: {
    memberId: string; lastName: string; firstName?: string; dateOfBirth?: string; gender?: 'M' | 'F' | 'U';
    payerResponsibility: string; relationship: string; groupNumber?: string; address?: Address;
  };
  /** Loop 2000C, when the patient is not the subscriber. */
  patient?: { lastName: string; firstName?: string; dateOfBirth?: string; gender?: 'M' | 'F' | 'U'; relationship: string };
  payer: { name: string; id: string };
  /** CLM01 — echoed in the 835 CLP01. */
  patientControlNumber: string;
  totalChargeCents: number;
  /** CLM05-1: place of service (837P) or facility type (837I). */
  facilityCode: string;
  /** CLM05-2: B professional, A institutional. */
  facilityCodeQualifier: string;
  /** CLM05-3: 1 original, 7 replacement, 8 void. */
  frequencyCode: string;
  /** REF*F8: the payer's number of the claim being replaced or voided. */
  payerClaimControlNumber?: string;
  /** REF*G1 in loop 2300: the payer's prior authorization number for the claim's services. */
  priorAuthorization?: string;
  /** 837I: facility code + frequency, e.g. '131'. */
  typeOfBill?: string;
  statementFrom?: string;
  statementTo?: string;
  admissionDate?: string;
  diagnoses: Array<{ qualifier: string; code: string }>;
  renderingProvider?: { npi: string | null; lastName?: string; firstName?: string; taxonomy?: string };
  attendingProvider?: { npi: string | null; lastName?: string; firstName?: string };
  lines: Claim837Line[];
  position: { transactionSetControlNumber: string; clmSegmentPosition: number };
}

export interface TransactionSet837 {
  controlNumber: string;
  implementationGuide: string;
  kind: 'professional' | 'institutional' | 'dental' | 'unknown';
  accepted: boolean;
  findings: Finding[];
  segmentCount: number;
  claims: Claim837[];
}

export interface Group837 {
  controlNumber: string;
  functionalId: string;
  version: string;
  senderCode: string;
  receiverCode: string;
  findings: Finding[];
  transactionSets: TransactionSet837[];
}

export interface Interchange837 {
  controlNumber: string;
  senderId: string;
  receiverId: string;
  date: string;
  time: string;
  usageIndicator: string;
  envelopeFindings: Finding[];
  groups: Group837[];
}

export interface Read837Result {
  interchanges: Interchange837[];
  fatal?: Finding;
}
