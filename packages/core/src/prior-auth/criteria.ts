/**
 * Criteria for automatic approval, as data: a diagnosis on the request, an answer to the
 * payer's questionnaire (Da Vinci DTR QuestionnaireResponse, linkId → answer), prior
 * conservative treatment found on the member's claims, or a cap on units. Each evaluation
 * says why it held or not, so the reviewer and the provider see the same explanation.
 * http://hl7.org/fhir/us/davinci-dtr/
 */
import { normalizeDiagnosis } from './normalize.ts';

export type Criterion =
  | { readonly kind: 'diagnosis'; readonly anyOf: readonly string[] }
  | { readonly kind: 'answer'; readonly linkId: string; readonly equals: string | boolean; readonly text?: string }
  | { readonly kind: 'answer-at-least'; readonly linkId: string; readonly min: number; readonly text?: string }
  | { readonly kind: 'prior-service'; readonly codes: readonly string[]; readonly withinDays: number; readonly minCount: number; readonly text?: string }
  | { readonly kind: 'max-units'; readonly units: number };

/** What the criteria look at: the request itself and the member's claim history. */
export interface CriteriaFacts {
  readonly diagnoses: readonly string[];
  readonly answers: Readonly<Record<string, string | number | boolean>>;
  /** Paid claim lines of the member: procedure code and service date. */
  readonly history: readonly { readonly code: string; readonly date: string }[];
  readonly serviceDate: string;
  readonly units: number;
}

export interface CriterionResult {
  readonly criterion: Criterion;
  readonly met: boolean;
  readonly detail: string;
}

const DAY = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

export function evaluateCriterion(c: Criterion, f: CriteriaFacts): CriterionResult {
  switch (c.kind) {
    case 'diagnosis': {
      const hit = f.diagnoses.map(normalizeDiagnosis).find((d) => c.anyOf.some((p) => d.startsWith(normalizeDiagnosis(p))));
      return { criterion: c, met: hit !== undefined, detail: hit ? `diagnosis ${hit} is one of ${c.anyOf.join(', ')}` : `no diagnosis among ${c.anyOf.join(', ')}` };
    }
    case 'answer': {
      const a = f.answers[c.linkId];
      const met = a !== undefined && String(a).toLowerCase() === String(c.equals).toLowerCase();
      return { criterion: c, met, detail: `${c.text ?? c.linkId}: answered ${a === undefined ? '(no answer)' : String(a)}, needs ${String(c.equals)}` };
    }
    case 'answer-at-least': {
      const a = f.answers[c.linkId];
      const n = typeof a === 'number' ? a : typeof a === 'string' && a.trim() !== '' ? Number(a) : Number.NaN;
      const met = Number.isFinite(n) && n >= c.min;
      return { criterion: c, met, detail: `${c.text ?? c.linkId}: answered ${a === undefined ? '(no answer)' : String(a)}, needs at least ${c.min}` };
    }
    case 'prior-service': {
      const found = f.history.filter((h) => c.codes.includes(h.code) && h.date <= f.serviceDate && daysBetween(h.date, f.serviceDate) <= c.withinDays);
      const met = found.length >= c.minCount;
      return { criterion: c, met, detail: `${c.text ?? `prior ${c.codes.join('/')}`}: ${found.length} on claims in the ${c.withinDays} days before the service, needs ${c.minCount}` };
    }
    case 'max-units':
      return { criterion: c, met: f.units <= c.units, detail: `${f.units} units requested, automatic approval up to ${c.units}` };
    default: {
      const never: never = c;
      return never;
    }
  }
}

/** Parses one criterion from JSON; a string is the problem. */
export function parseCriterion(v: unknown): Criterion | string {
  if (typeof v !== 'object' || v === null) return 'must be an object';
  const c = v as Record<string, unknown>;
  const text = typeof c['text'] === 'string' ? { text: c['text'] } : {};
  const strs = (x: unknown) => Array.isArray(x) && x.length > 0 && x.every((s) => typeof s === 'string');
  const posInt = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0;
  switch (c['kind']) {
    case 'diagnosis':
      return strs(c['anyOf']) ? { kind: 'diagnosis', anyOf: c['anyOf'] as string[] } : 'diagnosis: anyOf must list ICD-10-CM codes';
    case 'answer':
      return typeof c['linkId'] === 'string' && (typeof c['equals'] === 'string' || typeof c['equals'] === 'boolean')
        ? { kind: 'answer', linkId: c['linkId'], equals: c['equals'], ...text } : 'answer: needs linkId and equals (string or boolean)';
    case 'answer-at-least':
      return typeof c['linkId'] === 'string' && typeof c['min'] === 'number' ? { kind: 'answer-at-least', linkId: c['linkId'], min: c['min'], ...text } : 'answer-at-least: needs linkId and min';
    case 'prior-service':
      return strs(c['codes']) && posInt(c['withinDays']) && posInt(c['minCount'])
        ? { kind: 'prior-service', codes: c['codes'] as string[], withinDays: c['withinDays'] as number, minCount: c['minCount'] as number, ...text }
        : 'prior-service: needs codes, withinDays and minCount';
    case 'max-units':
      return posInt(c['units']) ? { kind: 'max-units', units: c['units'] as number } : 'max-units: needs units';
    default:
      return `unknown kind '${String(c['kind'])}' (diagnosis, answer, answer-at-least, prior-service, max-units)`;
  }
}
