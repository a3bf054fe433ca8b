/**
 * A prior authorization request as the payer received it, independent of transport
 * (Da Vinci PAS Claim over FHIR, X12 278, or the dashboard's form), and the stored
 * request as both sides see it.
 */
import type { CriterionResult } from './criteria.ts';
import type { ItemAction, RequestStatus } from './review.ts';
import type { ClockState, PriorAuthPriority } from './time-limits.ts';

export type ServiceCodeSystem = 'cpt' | 'hcpcs' | 'x12-service-type' | 'other';

export interface PriorAuthItemInput {
  readonly sequence: number;
  readonly code: string;
  readonly codeSystem: ServiceCodeSystem;
  readonly modifiers: readonly string[];
  readonly placeOfService: string | null;
  readonly units: number;
  readonly from: string;
  readonly to: string;
  readonly traceNumber: string | null;
}

export interface PriorAuthRequest {
  /** submit a new request, update an earlier one (PAS Claim.related / 278 UM02 = S), or cancel it (Claim.status = cancelled / 278 UM02 = 3). */
  readonly action: 'submit' | 'update' | 'cancel';
  /** The submitter's identifier for the request (PAS Claim.identifier, 278 TRN02). */
  readonly submitterRef: { readonly system: string | null; readonly value: string };
  /** The earlier request an update or cancel refers to: its submitter identifier or our authorization number. */
  readonly relatedRef: string | null;
  readonly priority: PriorAuthPriority;
  readonly memberId: string;
  readonly patient: { readonly firstName: string | null; readonly lastName: string | null; readonly birthDate: string | null };
  readonly requesterNpi: string | null;
  readonly diagnoses: readonly string[];
  /** Questionnaire answers (linkId → value) sent with the request. */
  readonly answers: Readonly<Record<string, string | number | boolean>>;
  readonly items: readonly PriorAuthItemInput[];
}

export interface PriorAuthItemView {
  readonly sequence: number;
  readonly code: string;
  readonly codeSystem: string;
  readonly placeOfService: string | null;
  readonly unitsRequested: number;
  readonly unitsApproved: number | null;
  readonly unitsUsed: number;
  readonly from: string;
  readonly to: string;
  readonly action: ItemAction;
  readonly reason: string;
  readonly ruleId: string | null;
  readonly documentation: readonly string[];
  readonly criteria: readonly CriterionResult[];
  readonly approvedFrom: string | null;
  readonly approvedTo: string | null;
  readonly traceNumber: string | null;
}

/** A stored request: the same view for the payer's reviewer and the provider who asked. */
export interface PriorAuthView {
  readonly id: string;
  readonly status: RequestStatus;
  readonly priority: PriorAuthPriority;
  readonly channel: string;
  readonly submitterRef: { readonly system: string | null; readonly value: string };
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly decidedAt: string | null;
  readonly clock: ClockState;
  readonly extended: boolean;
  readonly appealed: boolean;
  readonly member: { readonly key: string; readonly memberId: string; readonly firstName: string; readonly lastName: string; readonly birthDate: string; readonly gender: string };
  readonly provider: { readonly orgId: string; readonly name: string; readonly npi: string | null };
  readonly payer: { readonly orgId: string; readonly name: string };
  readonly diagnoses: readonly string[];
  readonly items: readonly PriorAuthItemView[];
}
