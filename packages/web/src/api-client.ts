/** The dashboard's only way to the data: the Tandem HTTP API, with the session's bearer token. */
export interface User {
  username: string;
  displayName: string;
  role: string;
  org: { id: string; name: string; type: 'payer' | 'provider' };
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

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
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
  me: () => call<User>('/api/me'),
  summary: () => call<Summary>('/api/claims/summary'),
  claims: (q: { limit: number; offset: number; status?: string; q?: string }) => {
    const p = new URLSearchParams({ limit: String(q.limit), offset: String(q.offset) });
    if (q.status) p.set('status', q.status);
    if (q.q) p.set('q', q.q);
    return call<{ total: number; items: ClaimSummary[] }>(`/api/claims?${p.toString()}`);
  },
  claim: (id: string) => call<ClaimDetail>(`/api/claims/${encodeURIComponent(id)}`),
};
