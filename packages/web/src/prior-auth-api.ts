/** The dashboard's prior authorization calls (the same API a provider's system or the payer's tools use). */
import { call } from './api-client.ts';

export interface CriterionResult { criterion: { kind: string }; met: boolean; detail: string }

export interface PriorAuthItem {
  sequence: number; code: string; codeSystem: string; placeOfService: string | null; unitsRequested: number; unitsApproved: number | null; unitsUsed: number;
  from: string; to: string; action: 'approved' | 'modified' | 'denied' | 'pended' | 'not-required' | 'cancelled'; reason: string; ruleId: string | null;
  documentation: string[]; criteria: CriterionResult[]; approvedFrom: string | null; approvedTo: string | null;
}

export interface PriorAuth {
  id: string; status: string; priority: 'standard' | 'expedited'; channel: string; submitterRef: { system: string | null; value: string };
  receivedAt: string; dueAt: string; decidedAt: string | null; clock: 'on-time' | 'due-soon' | 'overdue' | 'decided-on-time' | 'decided-late'; extended: boolean; appealed: boolean;
  member: { key: string; memberId: string; firstName: string; lastName: string; birthDate: string };
  provider: { orgId: string; name: string; npi: string | null }; payer: { orgId: string; name: string };
  diagnoses: string[]; items: PriorAuthItem[];
}

export interface PriorAuthDetail extends PriorAuth {
  events: Array<{ at: string; actor: string; action: string; detail: Record<string, unknown> }>;
  notifications: Array<{ at: string; subscription: string; event: number; httpStatus: number | null; error: string | null }>;
}

export interface PublicService {
  ruleId: string; codes: string[]; description: string; conditions: string[]; documentation: string[];
  questions: Array<{ linkId: string; text: string; type: 'boolean' | 'number' | 'string' }>; autoApproval: string[];
}

export interface PriorityMetrics { requests: number; approved: number; denied: number; appealed: number; approvedAfterAppeal: number; approvedPct: number; deniedPct: number; approvedAfterAppealPct: number; averageDecisionHours: number | null; medianDecisionHours: number | null }
export interface Metrics { year: number; requests: number; standard: PriorityMetrics; expedited: PriorityMetrics; extendedAndApprovedPct: number; years: number[] }

export interface SubmitForm {
  memberId: string; priority: 'standard' | 'expedited'; diagnoses: string[]; answers: Record<string, string | number | boolean>;
  items: Array<{ code: string; units: number; from: string; to?: string; placeOfService?: string }>;
}

export type Decision = { sequence: number; action: 'approved' | 'modified' | 'denied'; unitsApproved?: number; reason?: string };

export const priorAuthApi = {
  list: (status?: string) => call<{ total: number; now: string; requests: PriorAuth[] }>(`/api/prior-auth${status ? `?status=${encodeURIComponent(status)}` : ''}`),
  get: (id: string) => call<PriorAuthDetail>(`/api/prior-auth/${encodeURIComponent(id)}`),
  submit: (form: SubmitForm) => call<PriorAuth>('/api/prior-auth', { method: 'POST', body: JSON.stringify(form) }),
  decide: (id: string, decisions: Decision[]) => call<{ view: PriorAuth }>(`/api/prior-auth/${encodeURIComponent(id)}/decision`, { method: 'POST', body: JSON.stringify({ decisions }) }),
  requestInfo: (id: string, message: string, extend: boolean) => call<{ view: PriorAuth }>(`/api/prior-auth/${encodeURIComponent(id)}/request-info`, { method: 'POST', body: JSON.stringify({ message, extend }) }),
  appeal: (id: string, reason: string) => call<PriorAuth>(`/api/prior-auth/${encodeURIComponent(id)}/appeal`, { method: 'POST', body: JSON.stringify({ reason }) }),
  services: () => call<{ asOf: string; services: PublicService[] }>('/prior-authorization/services.json'),
  metrics: (year?: number) => call<Metrics>(`/prior-authorization/metrics.json${year ? `?year=${year}` : ''}`),
};

/** "in 2 d 5 h", "3 h ago": the time left on a clock, for both sides' lists. */
export function timeLeft(due: string, now: string): string {
  const ms = Date.parse(due) - Date.parse(now);
  const h = Math.floor(Math.abs(ms) / 3_600_000);
  const text = h >= 24 ? `${Math.floor(h / 24)} d ${h % 24} h` : `${h} h ${Math.floor((Math.abs(ms) % 3_600_000) / 60_000)} min`;
  return ms >= 0 ? `in ${text}` : `${text} overdue`;
}
