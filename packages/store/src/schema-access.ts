/**
 * Table types of the CMS-0057-F access APIs (migrations 008, 010, 011): the SMART authorization
 * server, bulk exports, members' choices and sign-ins, Payer-to-Payer matches and imports, and
 * Provider Access relationships and attribution-list changes. Split from schema.ts by role.
 */
import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from './schema-columns.ts';

// SMART on FHIR authorization server (migration 008).
export interface OidcModelTable {
  model: string;
  id: string;
  payload: Json<Record<string, unknown>>;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  expires_at: string | null;
  consumed_at: string | null;
}
export interface SmartClientTable {
  client_id: string;
  kind: 'member-app' | 'backend';
  name: string;
  org_id: string;
  registered_by: string;
  metadata: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
  disabled_at: string | null;
}
export interface BulkExportJobTable {
  id: string;
  actor: string;
  org_id: string;
  access: Json<Record<string, unknown>>;
  group_id: string | null;
  export_type: string;
  types: Json<string[]>;
  type_filters: Json<string[]>;
  since: string | null;
  request_url: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  transaction_time: string;
  outputs: ColumnType<Array<{ type: string; count: number }>, string | undefined, string>;
  error: string | null;
  members: number | null;
  created_at: Generated<Timestamp>;
  started_at: string | null;
  finished_at: string | null;
  expires_at: string | null;
  /** The request body of an asynchronous operation that is not an export ($bulk-member-match; migration 011). */
  input: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
}
export interface BulkExportMemberTable {
  job_id: string;
  member_key: string;
}
export interface MemberAccessChoiceTable {
  member_key: string;
  provider_access_opt_out: boolean;
  payer_to_payer_opt_in: boolean;
  recorded_by: string;
  updated_at: Generated<Timestamp>;
}
export interface MemberLoginTable {
  username: string;
  member_key: string;
  password_hash: string;
  created_at: Generated<Timestamp>;
}
// Payer-to-Payer exchange (migration 011).
export interface MemberMatchGroupTable {
  id: string;
  job_id: string;
  requester_org_id: string;
  category: 'match' | 'nomatch' | 'consentconstraint';
  resource: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
}
export interface MemberMatchGroupMemberTable {
  group_id: string;
  member_key: string;
  consent_start: string | null;
  consent_end: string | null;
}
export interface PayerImportTable {
  id: string;
  member_key: string;
  from_payer: string;
  source_patient_id: string | null;
  export_request: string | null;
  export_transaction_time: string | null;
  files: Json<Array<{ file: string; type: string; lines: number }>>;
  counts: Json<Record<string, number>>;
  actor: string;
  org_id: string;
  imported_at: Generated<Timestamp>;
}
export interface ImportedResourceTable {
  member_key: string;
  resource_type: string;
  resource_id: string;
  import_id: string;
  source_id: string;
  resource: Json<Record<string, unknown>>;
}

export interface ProviderMatchTable {
  id: string;
  provider_org_id: string;
  actor: string;
  submitted: number;
  matched: number;
  not_matched: number;
  consent_constrained: number;
  created_at: Generated<Timestamp>;
}
export interface TreatmentRelationshipTable {
  id: Generated<number>;
  member_key: string;
  provider_org_id: string;
  source: 'attestation';
  match_id: string | null;
  attested_by: string;
  attested_at: string | null;
  consent: Json<Record<string, unknown>>;
  period_start: string;
  period_end: string;
  recorded_by: string;
  created_at: Generated<Timestamp>;
}
export interface RosterChangeTable {
  id: Generated<number>;
  contract_id: string;
  run_id: string;
  member_key: string;
  action: 'add' | 'remove';
  reason: string;
  period_start: string | null;
  period_end: string | null;
  actor: string;
  created_at: Generated<Timestamp>;
}
export interface RosterConfirmationTable {
  id: Generated<number>;
  contract_id: string;
  run_id: string;
  last_change_id: number | null;
  members: number;
  confirmed_by: string;
  org_id: string;
  confirmed_at: Generated<Timestamp>;
}
