/**
 * Which services need prior authorization, as versioned data per payer, plan and effective
 * period (CMS-0057-F requires the list to be public: 42 CFR 422.122(c)(1)). A rule names the
 * CPT/HCPCS codes it covers, optionally narrowed by place of service, units or diagnosis; the
 * documentation the reviewer needs; and the criteria under which a request is approved
 * automatically, themselves data (see criteria.ts).
 * https://www.cms.gov/priorities/key-initiatives/burden-reduction/interoperability/policies-and-regulations/cms-interoperability-and-prior-authorization-final-rule-cms-0057-f
 */
import { isEffective } from '../registry/index.ts';
import { parseCriterion, type Criterion } from './criteria.ts';
import { normalizeDiagnosis } from './normalize.ts';

export interface AuthRule {
  /** Stable within its rule set, e.g. "mri-lumbar-spine". */
  readonly id: string;
  /** CPT or HCPCS Level II codes (exact match). */
  readonly codes: readonly string[];
  readonly description: string;
  /** The rule applies only at these places of service (CMS POS codes); absent = everywhere. */
  readonly placesOfService?: readonly string[];
  /** The rule applies only when more than this many units are requested or billed. */
  readonly unitsOver?: number;
  /** The rule applies only when one of these ICD-10-CM codes (prefixes, no dot) is on the request or claim. */
  readonly diagnoses?: readonly string[];
  /** What the reviewer needs to see (shown in CRD cards, the public list and the reviewer queue). */
  readonly documentation: readonly string[];
  /** All must hold for an automatic approval; absent or empty = always clinical review. */
  readonly autoApprove?: readonly Criterion[];
  /** Days an approval is valid from the first requested service date. */
  readonly validDays: number;
}

export interface AuthRuleSet {
  readonly id: string;
  readonly payerOrgId: string;
  /** Plans the set applies to; null = every plan of the payer. */
  readonly planIds: readonly string[] | null;
  readonly effectiveFrom: string;
  readonly effectiveTo: string | null;
  readonly rules: readonly AuthRule[];
}

/** A service as it is ordered, requested or billed: what a rule is matched against. */
export interface ServiceFacts {
  readonly planId: string;
  readonly date: string;
  readonly code: string;
  readonly placeOfService: string | null;
  readonly units: number;
  /** ICD-10-CM codes without dots. */
  readonly diagnoses: readonly string[];
}

export { normalizeDiagnosis };

/**
 * The rule set in force for a plan on a date: a plan-specific set wins over a payer-wide one;
 * among equals, the latest effective start.
 */
export function ruleSetFor(sets: readonly AuthRuleSet[], planId: string, date: string): AuthRuleSet | null {
  const live = sets.filter((s) => isEffective(s, date) && (s.planIds === null || s.planIds.includes(planId)));
  live.sort((a, b) => Number(b.planIds !== null) - Number(a.planIds !== null) || b.effectiveFrom.localeCompare(a.effectiveFrom) || b.id.localeCompare(a.id));
  return live[0] ?? null;
}

/** The rule that makes this service need authorization, or null when it needs none. */
export function authRequirement(sets: readonly AuthRuleSet[], s: ServiceFacts): { set: AuthRuleSet; rule: AuthRule } | null {
  const set = ruleSetFor(sets, s.planId, s.date);
  if (!set) return null;
  const dx = s.diagnoses.map(normalizeDiagnosis);
  for (const rule of set.rules) {
    if (!rule.codes.includes(s.code)) continue;
    if (rule.placesOfService && s.placeOfService !== null && !rule.placesOfService.includes(s.placeOfService)) continue;
    if (rule.unitsOver !== undefined && s.units <= rule.unitsOver) continue;
    if (rule.diagnoses && !dx.some((d) => rule.diagnoses!.some((p) => d.startsWith(normalizeDiagnosis(p))))) continue;
    return { set, rule };
  }
  return null;
}

const CODE = /^([0-9]{4}[0-9A-Z]|[A-V][0-9]{4})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks rules as sent by an administrator (JSON) and returns them typed, or every problem
 * with its path. Codes must look like CPT (5 characters, 4 digits first) or HCPCS Level II.
 */
export function parseAuthRules(input: unknown): { rules: AuthRule[]; issues: string[] } {
  const issues: string[] = [];
  if (!Array.isArray(input)) return { rules: [], issues: ['rules: must be an array'] };
  const rules: AuthRule[] = [];
  const ids = new Set<string>();
  input.forEach((r: Record<string, unknown>, i) => {
    const at = `rules[${i}]`;
    if (typeof r !== 'object' || r === null) return void issues.push(`${at}: must be an object`);
    const strings = (v: unknown, name: string, re?: RegExp): string[] | undefined => {
      if (v === undefined) return undefined;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || (re && !re.test(x)))) {
        issues.push(`${at}.${name}: must be an array of ${re ? 'valid codes' : 'strings'}`);
        return undefined;
      }
      return v as string[];
    };
    if (typeof r['id'] !== 'string' || !/^[a-z0-9-]{1,64}$/.test(r['id'])) issues.push(`${at}.id: lower-case letters, digits and dashes`);
    else if (ids.has(r['id'])) issues.push(`${at}.id: '${r['id']}' appears twice`);
    else ids.add(r['id']);
    const codes = strings(r['codes'], 'codes', CODE);
    if (!codes || codes.length === 0) issues.push(`${at}.codes: at least one CPT/HCPCS code`);
    if (typeof r['description'] !== 'string' || r['description'].trim() === '') issues.push(`${at}.description: required`);
    const documentation = strings(r['documentation'], 'documentation') ?? [];
    const validDays = r['validDays'] ?? 90;
    if (typeof validDays !== 'number' || !Number.isInteger(validDays) || validDays < 1 || validDays > 366) issues.push(`${at}.validDays: an integer from 1 to 366`);
    const unitsOver = r['unitsOver'];
    if (unitsOver !== undefined && (typeof unitsOver !== 'number' || !Number.isInteger(unitsOver) || unitsOver < 0)) issues.push(`${at}.unitsOver: a non-negative integer`);
    const criteria: Criterion[] = [];
    if (r['autoApprove'] !== undefined) {
      if (!Array.isArray(r['autoApprove'])) issues.push(`${at}.autoApprove: must be an array`);
      else (r['autoApprove'] as unknown[]).forEach((c, j) => {
        const p = parseCriterion(c);
        if (typeof p === 'string') issues.push(`${at}.autoApprove[${j}]: ${p}`);
        else criteria.push(p);
      });
    }
    const pos = strings(r['placesOfService'], 'placesOfService', /^\d{2}$/);
    const dx = strings(r['diagnoses'], 'diagnoses', /^[A-Z][0-9A-Z.]{1,7}$/i);
    rules.push({
      id: String(r['id']), codes: codes ?? [], description: String(r['description'] ?? ''), documentation, validDays: Number(validDays),
      ...(pos ? { placesOfService: pos } : {}), ...(typeof unitsOver === 'number' ? { unitsOver } : {}), ...(dx ? { diagnoses: dx } : {}),
      ...(criteria.length ? { autoApprove: criteria } : {}),
    });
  });
  return { rules, issues };
}

export function isIsoDate(s: unknown): s is string {
  return typeof s === 'string' && DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));
}
