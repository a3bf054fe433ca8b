/** The quality pages' calls to the Tandem HTTP API (/api/quality/*). */
import { call } from './api-client.ts';

export interface OrgRate {
  orgId: string | null;
  orgName: string;
  initialPopulation: number;
  denominator: number;
  excluded: number;
  numerator: number;
  openGaps: number;
  rateBps: number | null;
}

export interface MeasureOverview {
  id: string;
  name: string;
  title: string;
  targetBps: number | null;
  improvementNotation: string;
  denominator: number;
  denominator_exclusion: number;
  denominator_exception: number;
  numerator: number;
  open_gaps: number;
  rateBps: number | null;
  organizations: OrgRate[];
  trend: Array<{ year: number; rateBps: number | null }>;
}

export interface QualityOverview {
  year: number;
  years: number[];
  measures: MeasureOverview[];
}

export interface GapItem {
  memberKey: string;
  memberId: string;
  name: string;
  birthDate: string;
  gender: string;
  measure: string;
  measureTitle: string;
  orgId: string | null;
  orgName: string;
  gap: string;
  missing: string | null;
}

export type EvidenceSource =
  | { kind: 'claim'; claimId: string; providerOrgId: string | null; lineNumber?: number; diagnosis?: string; serviceDate: string }
  | { kind: 'submission'; submissionId: string; submitterOrgId: string; actor: string; channel: string; receivedAt: string };

export interface MemberQuality {
  member: { key: string; name: string; birthDate: string; gender: string };
  year: number;
  results: Array<{
    measure: string; measureTitle: string; orgName: string | null; gap: string; populations: Record<string, boolean>; missing: string | null; evaluatedAt: string; error: string | null;
    evidence: Record<string, Array<{ type: string; id: string; source: EvidenceSource | null }>>;
  }>;
  submissions: Array<{ id: string; channel: string; actor: string; submitterName: string; receivedAt: string; resources: number }>;
}

export const qualityApi = {
  version: (year: number) => call<{ version: string }>(`/api/quality/version?year=${year}`),
  overview: (year: number | null) => call<QualityOverview>(`/api/quality/overview${year ? `?year=${year}` : ''}`),
  gaps: (year: number, org?: string) => call<{ year: number; items: GapItem[] }>(`/api/quality/gaps?year=${year}${org ? `&org=${encodeURIComponent(org)}` : ''}`),
  member: (key: string, year: number) => call<MemberQuality>(`/api/quality/members/${encodeURIComponent(key)}?year=${year}`),
};

export function pct(bps: number | null): string {
  return bps === null ? '—' : `${(bps / 100).toFixed(1)} %`;
}
