/**
 * Table types for Kysely. Column names are snake_case as in SQL; money columns are
 * bigint cents returned as JS numbers (safe below 2^53 cents = $90 trillion); dates are
 * ISO `YYYY-MM-DD` strings; timestamps ISO strings. See migrations/ for the DDL.
 */
import type { Generated } from 'kysely';
import type { BulkExportJobTable, BulkExportMemberTable, ImportedResourceTable, MemberAccessChoiceTable, MemberLoginTable, MemberMatchGroupMemberTable, MemberMatchGroupTable, OidcModelTable, PayerImportTable, ProviderMatchTable, RosterChangeTable, RosterConfirmationTable, SmartClientTable, TreatmentRelationshipTable } from './schema-access.ts';
import type { Json, Timestamp } from './schema-columns.ts';

export type * from './schema-access.ts';

export interface OrganizationTable {
  id: string;
  kind: 'payer' | 'provider';
  name: string;
  tin: string | null;
  npi: string | null;
  provider_type: string | null;
  payer_code: string | null;
}
export interface PlanTable {
  id: string;
  payer_org_id: string;
  name: string;
  line_of_business: string;
  base_fee_schedule_id: string;
}
export interface BenefitDesignTable {
  id: string;
  plan_id: string;
  effective_from: string;
  effective_to: string | null;
  design: Json<Record<string, unknown>>;
}
export interface PractitionerTable {
  id: string;
  npi: string;
  first_name: string;
  last_name: string;
  taxonomy: string;
  specialty: string;
  org_id: string;
}
export interface FeeScheduleTable {
  id: string;
  owner_org_id: string;
  name: string;
}
export interface FeeScheduleVersionTable {
  id: string;
  fee_schedule_id: string;
  version: number;
  effective_from: string;
  effective_to: string | null;
  method: 'fixed' | 'percent_of_base';
  base_schedule_id: string | null;
  percent_bp: number | null;
  unlisted_percent_of_charges_bp: number;
}
export interface FeeScheduleRateTable {
  version_id: string;
  code: string;
  modifier: string;
  amount_cents: number;
}
export interface ContractTable {
  id: string;
  payer_org_id: string;
  provider_org_id: string;
  name: string;
  effective_from: string;
  effective_to: string | null;
  fee_schedule_id: string;
}
export interface MemberTable {
  key: string;
  payer_org_id: string;
  member_id: string;
  subscriber_key: string;
  relationship: string;
  first_name: string;
  last_name: string;
  date_of_birth: string;
  gender: string;
}
export interface CoverageTable {
  id: string;
  member_key: string;
  subscriber_key: string;
  plan_id: string;
  effective_from: string;
  effective_to: string | null;
  /** CMS dual status code of the span ('02' full benefit …), when the source carries it. */
  dual_status: string | null;
  /** Medicare status code of the span ('10' aged, '20' disabled …), when the source carries it. */
  medicare_status: string | null;
}
export interface AccumulatorTable {
  key: string;
  deductible_cents: number;
  oop_cents: number;
}
export interface SubmissionTable {
  id: string;
  received_at: Timestamp;
  submitter_org_id: string | null;
  channel: string;
  file_name: string | null;
  interchange_control_number: string | null;
  accepted: boolean;
  claim_count: number;
  ack_999: string | null;
}
export interface ClaimTable {
  id: string;
  payer_org_id: string;
  provider_org_id: string | null;
  submission_id: string;
  kind: string;
  billing_npi: string | null;
  billing_name: string;
  member_key: string | null;
  member_id: string;
  patient_name: string;
  patient_control_number: string;
  payer_claim_control_number: string;
  frequency_code: string;
  place_of_service: string | null;
  type_of_bill: string | null;
  rendering_npi: string | null;
  diagnoses: Json<Array<{ qualifier: string; code: string }>>;
  service_date_from: string;
  service_date_to: string;
  received_at: Timestamp;
  status: string;
  network: string | null;
  plan_id: string | null;
  billed_cents: number;
  allowed_cents: number;
  paid_cents: number;
  patient_resp_cents: number;
  dedupe_key: string;
  duplicate_of: string | null;
  provenance: Json<Record<string, unknown>>;
  remittance_id: string | null;
  /** 'adjudicated' by Tandem, or 'imported' with its amounts as given (migration 005). */
  origin: Generated<'adjudicated' | 'imported'>;
  /** MS-DRG (bundled-episode triggers). */
  drg_code: string | null;
}
export interface ClaimLineTable {
  claim_id: string;
  line_number: number;
  procedure_code: string | null;
  modifiers: Json<string[]>;
  revenue_code: string | null;
  units: string;
  service_date_from: string;
  service_date_to: string;
  category: string | null;
  network: string | null;
  billed_cents: number;
  allowed_cents: number;
  deductible_cents: number;
  copay_cents: number;
  coinsurance_cents: number;
  patient_resp_cents: number;
  paid_cents: number;
  adjustments: Json<Array<{ group: string; carc: string; amountCents: number }>>;
  remarks: Json<string[]>;
  fee_schedule_version_id: string | null;
}
export interface RemittanceTable {
  id: string;
  payer_org_id: string;
  provider_org_id: string | null;
  payee_npi: string;
  payee_name: string;
  trace_number: string;
  payment_date: string;
  total_paid_cents: number;
  claim_count: number;
  created_at: Timestamp;
  x12: string;
}
export interface AppUserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  org_id: string;
  role: string;
}
export interface ApiClientTable {
  id: string;
  client_id: string;
  name: string;
  org_id: string;
  role: string;
}
export interface AuditEventTable {
  id: Generated<number>;
  at: Timestamp;
  actor: string;
  org_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  member_keys: Json<string[]>;
  purpose: string;
  outcome: string;
  detail: Json<Record<string, unknown>> | null;
}
export interface SystemSettingTable {
  key: string;
  value: string;
}
export interface CounterTable {
  name: string;
  value: number;
}

export interface RiskRunTable {
  id: string;
  payer_org_id: string;
  payment_year: number;
  diagnosis_year: number;
  model: string;
  parameters: Json<Record<string, string>>;
  members: number;
  created_at: Generated<Timestamp>;
}
export interface RiskScoreTable {
  run_id: string;
  member_key: string;
  segment: string;
  age: number;
  raw_score: string;
  payment_score: string;
  hccs: Json<string[]>;
  explanation: Json<Record<string, unknown>>;
}

export interface MemberAlignmentTable {
  member_key: string;
  org_id: string;
  /** First day of the designation. */
  designated_on: string;
  /** Migration 012: the practitioner the member named, the designation's last day, who recorded it and when. */
  practitioner_npi: string | null;
  effective_to: string | null;
  recorded_by: string | null;
  recorded_at: Generated<Timestamp>;
}
export interface AttributionRunTable {
  id: string;
  payer_org_id: string;
  window_kind: string;
  window_from: string;
  window_to: string;
  method: string;
  members: number;
  created_at: Generated<Timestamp>;
}
export interface AttributionTable {
  run_id: string;
  member_key: string;
  org_id: string | null;
  step: string;
  explanation: Json<Record<string, unknown>>;
}

export interface ContractTermsTable {
  contract_id: string;
  version: number;
  effective_from: string;
  terms: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
}
export interface SettlementRunTable {
  id: string;
  contract_id: string;
  terms_version: number;
  period: number;
  inputs: Json<Record<string, unknown>>;
  outputs: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
}

// Prior authorization (migration 007).
export interface AuthRuleSetTable {
  id: string;
  payer_org_id: string;
  plan_ids: Json<string[] | null>;
  effective_from: string;
  effective_to: string | null;
  rules: Json<unknown[]>;
  created_at: Generated<Timestamp>;
}
export interface PriorAuthTable {
  id: string;
  payer_org_id: string;
  provider_org_id: string;
  member_key: string;
  channel: 'fhir' | 'x12' | 'dashboard';
  priority: 'standard' | 'expedited';
  status: string;
  submitter_system: string | null;
  submitter_value: string;
  received_at: string;
  due_at: string;
  decided_at: string | null;
  /** The initial determination (CMS-0057-F decision times are measured to it); kept through appeals. */
  first_decided_at: string | null;
  /** When the provider appealed a denial (a reconsideration with its own clock). */
  appealed_at: string | null;
  extended: Generated<boolean>;
  appealed: Generated<boolean>;
  decided_by: string | null;
  diagnoses: Json<string[]>;
  answers: Json<Record<string, string | number | boolean>>;
  request: Json<Record<string, unknown>>;
  updated_at: string;
}
export interface PriorAuthItemTable {
  auth_id: string;
  sequence: number;
  code: string;
  code_system: string;
  modifiers: Json<string[]>;
  place_of_service: string | null;
  units_requested: number;
  units_approved: number | null;
  units_used: Generated<number>;
  service_from: string;
  service_to: string;
  action: string;
  reason: string;
  rule_set_id: string | null;
  rule_id: string | null;
  documentation: Json<string[]>;
  criteria: Json<unknown[]>;
  trace_number: string | null;
  approved_from: string | null;
  approved_to: string | null;
}
export interface PriorAuthEventTable {
  id: Generated<number>;
  auth_id: string;
  at: string;
  actor: string;
  org_id: string;
  action: string;
  detail: Json<Record<string, unknown>>;
}
export interface FhirSubscriptionTable {
  id: string;
  org_id: string;
  topic: string;
  filter: string | null;
  endpoint: string;
  headers: Json<string[]>;
  status: 'active' | 'off' | 'error';
  events_since_start: Generated<number>;
  resource: Json<Record<string, unknown>>;
  created_at: string;
}
export interface SubscriptionDeliveryTable {
  id: Generated<number>;
  subscription_id: string;
  auth_id: string;
  event_number: number;
  at: string;
  http_status: number | null;
  error: string | null;
}
// Quality measures (migration 006).
export interface MeasurePackageTable {
  id: string;
  name: string;
  title: string;
  url: string;
  version: string;
  bundle: Json<Record<string, unknown>>;
  corrections: Json<Array<Record<string, unknown>>>;
  improvement_notation: 'increase' | 'decrease';
  target_bps: number | null;
  loaded_at: Generated<Timestamp>;
}
export interface ClinicalSubmissionTable {
  id: string;
  submitter_org_id: string;
  actor: string;
  channel: 'submit-data' | 'bundle' | 'synthea';
  member_key: string;
  measure_id: string | null;
  resources: number;
  received_at: Timestamp;
}
export interface ClinicalResourceTable {
  member_key: string;
  resource_type: string;
  resource_id: string;
  submission_id: string;
  resource: Json<Record<string, unknown>>;
}
export interface MeasureResultTable {
  member_key: string;
  measure_id: string;
  period: number;
  org_id: string | null;
  populations: Json<Record<string, boolean>>;
  evidence: Json<Record<string, unknown>>;
  gap: 'open' | 'closed' | 'excluded' | 'not-eligible' | 'error';
  error: string | null;
  evaluated_at: Timestamp;
}

export interface Database {
  organization: OrganizationTable;
  plan: PlanTable;
  benefit_design: BenefitDesignTable;
  practitioner: PractitionerTable;
  fee_schedule: FeeScheduleTable;
  fee_schedule_version: FeeScheduleVersionTable;
  fee_schedule_rate: FeeScheduleRateTable;
  contract: ContractTable;
  member: MemberTable;
  coverage: CoverageTable;
  accumulator: AccumulatorTable;
  submission: SubmissionTable;
  claim: ClaimTable;
  claim_line: ClaimLineTable;
  remittance: RemittanceTable;
  app_user: AppUserTable;
  api_client: ApiClientTable;
  audit_event: AuditEventTable;
  system_setting: SystemSettingTable;
  counter: CounterTable;
  risk_run: RiskRunTable;
  risk_score: RiskScoreTable;
  member_alignment: MemberAlignmentTable;
  attribution_run: AttributionRunTable;
  attribution: AttributionTable;
  contract_terms: ContractTermsTable;
  settlement_run: SettlementRunTable;
  auth_rule_set: AuthRuleSetTable;
  prior_auth: PriorAuthTable;
  prior_auth_item: PriorAuthItemTable;
  prior_auth_event: PriorAuthEventTable;
  fhir_subscription: FhirSubscriptionTable;
  subscription_delivery: SubscriptionDeliveryTable;
  oidc_model: OidcModelTable;
  smart_client: SmartClientTable;
  member_login: MemberLoginTable;
  bulk_export_job: BulkExportJobTable;
  bulk_export_member: BulkExportMemberTable;
  member_access_choice: MemberAccessChoiceTable;
  member_match_group: MemberMatchGroupTable;
  member_match_group_member: MemberMatchGroupMemberTable;
  payer_import: PayerImportTable;
  imported_resource: ImportedResourceTable;
  measure_package: MeasurePackageTable;
  clinical_submission: ClinicalSubmissionTable;
  clinical_resource: ClinicalResourceTable;
  measure_result: MeasureResultTable;
  provider_match: ProviderMatchTable;
  treatment_relationship: TreatmentRelationshipTable;
  roster_change: RosterChangeTable;
  roster_confirmation: RosterConfirmationTable;
}
