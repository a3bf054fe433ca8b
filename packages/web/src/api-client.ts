/** The dashboard's only way to the data: the Tandem HTTP API, with the session's bearer token. */
export interface User {
  username: string;
  displayName: string;
  /** 'member' for a member signed in to their own pages. */
  role: string;
  org: { id: string; name: string; type: 'payer' | 'provider' };
  /** Set for a member's own session. */
  memberKey?: string;
}

export interface Adjustment {
  group: string;
  carc: string;
  description: string;
  amountCents: number;
}

export interface ClaimSummary {
  id: string;
  patientControlNumber: string;
  kind: 'professional' | 'institutional';
  status: 'paid' | 'partial' | 'denied' | 'duplicate';
  memberId: string | null;
  memberName: string | null;
  providerName: string | null;
  billingNpi: string | null;
  serviceDateFrom: string;
  serviceDateTo: string;
  receivedAt: string;
  billedCents: number;
  allowedCents: number;
  paidCents: number;
  patientRespCents: number;
  denialCodes: string[];
  remitted: boolean;
}

export interface ClaimDetail extends ClaimSummary {
  payerClaimControlNumber: string;
  frequencyCode: string;
  placeOfService: string | null;
  typeOfBill: string | null;
  diagnoses: Array<{ code: string; qualifier: string }>;
  renderingNpi: string | null;
  planName: string | null;
  network: 'in' | 'out' | null;
  duplicateOf: string | null;
  claimAdjustments: Adjustment[];
  lines: Array<{
    lineNumber: number; procedureCode: string | null; modifiers: string[]; revenueCode: string | null; serviceDateFrom: string; serviceDateTo: string; units: string;
    category: string | null; billedCents: number; allowedCents: number; deductibleCents: number; copayCents: number; coinsuranceCents: number;
    patientRespCents: number; paidCents: number; adjustments: Adjustment[]; remarks: Array<{ code: string; description: string }>;
  }>;
  remittance: { id: string; traceNumber: string; paymentDate: string } | null;
}

export interface Summary {
  totals: { count: number; deniedCount: number; billedCents: number; allowedCents: number; paidCents: number; patientRespCents: number };
  byMonth: Array<{ month: string; count: number; billedCents: number; allowedCents: number; paidCents: number; patientRespCents: number }>;
  denialReasons: Array<{ group: string; carc: string; description: string; count: number; amountCents: number }>;
  byStatus: Array<{ status: string; count: number }>;
}

export interface ContractItem {
  id: string;
  name: string;
  payerOrgId: string;
  providerOrgId: string;
  effectiveFrom: string;
  /** Years with an attribution run, newest first. */
  years: number[];
}

export interface RecaptureGap {
  memberKey: string; memberId: string; name: string; hcc: string; label: string; priorDiagnoses: string[]; coefficient: string; codedThisYearAs: string | null;
}

export interface ContractOverview {
  contract: { id: string; name: string; payerName: string; providerName: string; providerOrgId: string; effectiveFrom: string };
  year: number;
  terms: { version: number; effectiveFrom: string; type: string; benchmarkPmpmCents: number | null; riskAdjust: boolean } | null;
  roster: null | {
    runId: string; createdAt: string; firstRun: boolean;
    counts: { members: number; new: number; changed: number; dropped: number };
    members: Array<{ key: string; memberId: string; name: string; step: string; reason: string; change: string; paymentScore: string | null; hccs: number; paidCents: number; memberMonths: number }>;
    dropped: Array<{ key: string; memberId: string; name: string }>;
  };
  risk: null | { runId: string; paymentYear: number; scored: number; meanPaymentScore: string; distribution: Array<{ bucket: string; members: number }>; priorRunId: string | null };
  recapture: { available: boolean; note: string; members: number; rawAtStake: string; gaps: RecaptureGap[] };
  pmpm: { months: Array<{ month: string; memberMonths: number; paidCents: number; pmpmCents: number }>; memberMonths: number; paidCents: number; pmpmCents: number; benchmarkPmpmCents: number | null };
  settlements: Array<{ id: string; period: number; termsVersion: number; createdAt: string; paymentCents: number }>;
}

export interface WaterfallStep {
  step: string;
  amountCents: number;
  note: string;
}

export interface Settlement {
  id: string;
  contractId: string;
  period: number;
  termsVersion: number;
  type: 'shared-savings' | 'capitation' | 'bundles';
  /** Shared savings: benchmark, expenditure, truncation; capitation: member months; bundles: episodes. */
  inputs: {
    attributionRunId?: string; riskRunId?: string | null; members?: number; memberMonths?: number; meanRiskScore?: string; runOutCutoff?: string;
    benchmarkCents?: number; expenditureCents?: number; truncationCapCents?: number; truncatedMembers?: number; qualityBps: number;
    expenditureByMember?: Record<string, number>;
    memberMonthsByMember?: Record<string, number>;
    episodes?: number;
    /** The frozen per-member scores and quality (the claim set is served per member: `settlementMember`). */
    riskScores?: Record<string, string>;
    quality?: { source: 'terms' | 'measures'; scoreBps: number };
    terms: Record<string, unknown>;
  };
  outputs: {
    paymentCents: number; waterfall: WaterfallStep[];
    episodes?: Array<{ memberKey: string; trigger: { code: string; kind: string; label?: string }; anchorClaimId: string; from: string; to: string; claims: Array<{ claimId: string; paidCents: number }>; actualCents: number; targetCents: number; varianceCents: number }>;
  };
  members: Record<string, { memberId: string; name: string }>;
}

/** One member's claims as a stored settlement counted them (the run's frozen claim set). */
export interface SettlementMember {
  settlementId: string;
  memberKey: string;
  countedCents: number;
  claims: Array<{ id: string; countedCents: number; paidNowCents?: number | null; serviceDate: string | null; providerName: string; status: string | null }>;
}

export interface SettlementVerification {
  id: string;
  identical: boolean;
  storedSha256: string;
  replayedSha256: string;
  difference: { path: string; stored: string; replayed: string } | null;
}

export interface ContractMember {
  contractId: string;
  year: number;
  member: { key: string; memberId: string; name: string; onRoster: boolean };
  attribution: { step: string; orgId: string | null; explanation: { reason?: string; totals?: Array<{ orgId: string; allowedCents: number; services: number; lastService: string }>; services?: Array<{ claimId: string; line: number; code: string; date: string; npi: string; allowedCents: number }> } } | null;
  risk: { current: MemberRisk | null; prior: MemberRisk | null };
  claims: Array<{ id: string; kind: string; status: string; providerName: string; providerOrgId: string | null; serviceDate: string; receivedOn: string; paidCents: number; allowedCents: number; diagnoses: string[] }>;
  paidCents: number;
}

export interface MemberRisk {
  segment: string;
  raw: string;
  payment: string;
  hccs: string[];
  diagnoses: Array<{ code: string; ccs: string[]; note?: string }>;
}

/** POST /api/attribution-runs: one run, with each contract's roster counts and changes since the run before. */
export interface AttributionRunSummary {
  id: string;
  windowKind: 'retrospective' | 'prospective';
  windowFrom: string;
  windowTo: string;
  members: number;
  byStep: Record<string, number>;
  changeCount: number;
  contracts: Array<{ contractId: string; name: string; providerOrgId: string; members: number; new: number; changed: number; dropped: number }>;
}

/** POST /api/risk-runs: one CMS-HCC V28 run of a payment year. */
export interface RiskRunSummary {
  id: string;
  paymentYear: number;
  diagnosisYear: number;
  members: number;
  membersWithHccs: number;
  meanRaw: string;
  meanPayment: string;
  topHccs: Array<{ hcc: string; label: string; members: number }>;
}

/** One version of a contract's value-based terms (GET /api/contracts/{id}/terms). */
export interface TermsVersion {
  version: number;
  effectiveFrom: string;
  createdAt: string;
  terms: Record<string, unknown>;
}

const TOKEN_KEY = 'tandem.token';

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const token = session.token();
  const res = await fetch(path, {
    ...init,
    headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
  });
  const text = await res.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const diag = (body as { issue?: Array<{ diagnostics?: string }> } | null)?.issue?.[0]?.diagnostics ?? `HTTP ${res.status}`;
    throw new ApiError(res.status, diag);
  }
  return body as T;
}

export const api = {
  login: (username: string, password: string) => call<{ token: string; user: User }>('/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) }),
  memberLogin: (username: string, password: string) => call<{ token: string; user: User }>('/auth/member-login', { method: 'POST', body: JSON.stringify({ username, password }) }),
  me: () => call<User>('/api/me'),
  summary: () => call<Summary>('/api/claims/summary'),
  claims: (q: { limit: number; offset: number; status?: string; q?: string }) => {
    const p = new URLSearchParams({ limit: String(q.limit), offset: String(q.offset) });
    if (q.status) p.set('status', q.status);
    if (q.q) p.set('q', q.q);
    return call<{ total: number; items: ClaimSummary[] }>(`/api/claims?${p.toString()}`);
  },
  claim: (id: string) => call<ClaimDetail>(`/api/claims/${encodeURIComponent(id)}`),
  contracts: () => call<{ items: ContractItem[] }>('/api/contracts'),
  contractOverview: (id: string, year: number) => call<ContractOverview>(`/api/contracts/${encodeURIComponent(id)}/overview?year=${year}`),
  contractMember: (id: string, key: string, year: number) => call<ContractMember>(`/api/contracts/${encodeURIComponent(id)}/members/${encodeURIComponent(key)}?year=${year}`),
  settlement: (id: string) => call<Settlement>(`/api/settlements/${encodeURIComponent(id)}`),
  settlementMember: (id: string, key: string) => call<SettlementMember>(`/api/settlements/${encodeURIComponent(id)}/members/${encodeURIComponent(key)}`),
  verifySettlement: (id: string) => call<SettlementVerification>(`/api/settlements/${encodeURIComponent(id)}/verify`),
  settle: (contractId: string, period: number) => call<Settlement>(`/api/contracts/${encodeURIComponent(contractId)}/settlements`, { method: 'POST', body: JSON.stringify({ period }) }),
  runAttribution: (year: number, window: 'retrospective' | 'prospective') => call<AttributionRunSummary>('/api/attribution-runs', { method: 'POST', body: JSON.stringify({ year, window }) }),
  runRisk: (paymentYear: number) => call<RiskRunSummary>('/api/risk-runs', { method: 'POST', body: JSON.stringify({ paymentYear }) }),
  contractTerms: (id: string) => call<{ contractId: string; versions: TermsVersion[] }>(`/api/contracts/${encodeURIComponent(id)}/terms`),
  addContractTerms: (id: string, effective: string, terms: unknown) => call<TermsVersion>(`/api/contracts/${encodeURIComponent(id)}/terms`, { method: 'POST', body: JSON.stringify({ effective, terms }) }),
};
