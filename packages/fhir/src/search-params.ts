/**
 * FHIR search parameter values: date prefixes, repeated parameters and _include targets.
 * https://hl7.org/fhir/R4/search.html#date · https://hl7.org/fhir/R4/search.html#include
 */
import { TandemError } from '@tandem/core';

export interface DateBound {
  readonly op: 'eq' | 'ge' | 'le' | 'gt' | 'lt';
  readonly value: string;
}

/** A parameter that may be given once or repeated (Fastify gives an array then). */
export function paramList(v: string | readonly string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((x: string) => x.split(',')).filter(Boolean);
}

const DATE = /^(eq|ge|le|gt|lt)?(\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?)$/;

/**
 * Date bounds of a date parameter, each AND-ed. A partial date is widened as FHIR says:
 * `ge2026-03` starts on 2026-03-01, `le2026-03` ends on 2026-03-31, `eq2026` is a range.
 */
export function dateBounds(name: string, v: string | readonly string[] | undefined): DateBound[] {
  const out: DateBound[] = [];
  for (const raw of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
    const m = DATE.exec(raw as string);
    if (!m) throw new TandemError('INVALID_REQUEST', `${name}: '${raw}' is not a FHIR date (prefix eq|ge|le|gt|lt, then YYYY[-MM[-DD[Thh:mm[:ss]]]])`);
    const op = (m[1] ?? 'eq') as DateBound['op'];
    const value = m[2]!;
    if (value.length > 10) {
      if (Number.isNaN(Date.parse(value))) throw new TandemError('INVALID_REQUEST', `${name}: '${raw}' is not a valid instant`);
      out.push({ op, value });
      continue;
    }
    const start = value.length === 4 ? `${value}-01-01` : value.length === 7 ? `${value}-01` : value;
    const end = value.length === 4 ? `${value}-12-31` : value.length === 7 ? lastDayOf(value) : value;
    if (Number.isNaN(Date.parse(`${start}T00:00:00Z`)) || Number.isNaN(Date.parse(`${end}T00:00:00Z`))) throw new TandemError('INVALID_REQUEST', `${name}: '${raw}' is not a valid date`);
    if (op === 'eq' && start !== end) out.push({ op: 'ge', value: start }, { op: 'le', value: end });
    else if (op === 'ge' || op === 'lt') out.push({ op, value: start });
    else out.push({ op, value: op === 'eq' ? start : end });
  }
  return out;
}

function lastDayOf(ym: string): string {
  const [y, m] = ym.split('-').map(Number);
  const d = new Date(Date.UTC(y!, m!, 0));
  return d.toISOString().slice(0, 10);
}

const MAX_COUNT = 200;

/** `_count` (default 50, at most 200) and `_offset` of a search, each given at most once. */
export function searchPaging(q: Readonly<Record<string, string | readonly string[] | undefined>>): { offset: number; count: number } {
  const one = (k: string) => {
    const v = q[k];
    if (Array.isArray(v)) throw new TandemError('INVALID_REQUEST', `${k} may be given once`);
    return v as string | undefined;
  };
  const c = one('_count');
  const o = one('_offset');
  const count = c === undefined ? 50 : Number(c);
  const offset = o === undefined ? 0 : Number(o);
  if (c === '' || !Number.isInteger(count) || count < 0 || count > MAX_COUNT) throw new TandemError('INVALID_REQUEST', `_count must be an integer from 0 to ${MAX_COUNT}`);
  if (o === '' || !Number.isInteger(offset) || offset < 0) throw new TandemError('INVALID_REQUEST', '_offset must be a non-negative integer');
  return { offset, count };
}

/** `_include` values, checked against what the resource type supports (`Type:*` means all of them). */
export function includeTargets(type: string, v: string | readonly string[] | undefined, supported: readonly string[]): string[] {
  const out = new Set<string>();
  for (const inc of paramList(v)) {
    const [source, param] = inc.split(':');
    if (source !== type || !param || (param !== '*' && !supported.includes(param)))
      throw new TandemError('INVALID_REQUEST', `_include=${inc} is not supported (supported: ${supported.map((p) => `${type}:${p}`).join(', ')}, ${type}:*)`);
    for (const p of param === '*' ? supported : [param]) out.add(p);
  }
  return [...out];
}

/**
 * A parameter's values as FHIR combines them: each repetition is AND-ed, the comma-separated
 * values inside one are OR-ed (`code=a,b&code=c` is (a or b) and c).
 * https://hl7.org/fhir/R4/search.html#combining
 */
export function andOfOr(v: string | readonly string[] | undefined): string[][] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x: string) => x.split(','));
}

/**
 * A token value: `code` (any system), `system|code`, `|code` (no system) or `system|` (any code
 * of the system). `system` undefined means any system; null means none.
 * https://hl7.org/fhir/R4/search.html#token
 */
export interface TokenValue {
  readonly system: string | null | undefined;
  readonly code: string | undefined;
}

export function parseToken(param: string, raw: string): TokenValue {
  if (raw === '') throw new TandemError('INVALID_REQUEST', `${param}: an empty value is not a token ([system|]code)`);
  const bar = raw.indexOf('|');
  const t: TokenValue = bar < 0 ? { system: undefined, code: raw } : { system: raw.slice(0, bar) || null, code: raw.slice(bar + 1) || undefined };
  if (t.code === undefined && !t.system) throw new TandemError('INVALID_REQUEST', `${param}: '${raw}' is not a token ([system|]code)`);
  if (t.code !== undefined && t.code.includes('|')) throw new TandemError('INVALID_REQUEST', `${param}: '${raw}' has more than one '|'`);
  return t;
}

/** Whether a Coding (or an Identifier, with `value` as its code) matches a token value. */
export function tokenMatches(t: TokenValue, c: { system?: string | undefined; code?: string | undefined; value?: string | undefined }): boolean {
  const code = c.code ?? c.value;
  if (t.system === null && c.system !== undefined) return false;
  if (typeof t.system === 'string' && c.system !== t.system) return false;
  return t.code === undefined || code === t.code;
}

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const TYPE_AND_ID = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

/**
 * A reference value: `Type/id`, a bare `id` (any type), or an absolute URL — on this server's
 * FHIR base it is read as `Type/id`, elsewhere it only matches the same absolute reference.
 * https://hl7.org/fhir/R4/search.html#reference
 */
export type ReferenceValue = { readonly type: string | undefined; readonly id: string } | { readonly url: string };

export function parseReference(param: string, raw: string, fhirBase?: string): ReferenceValue {
  if (/^https?:\/\//.test(raw)) {
    const local = fhirBase !== undefined && raw.startsWith(`${fhirBase.replace(/\/$/, '')}/`) ? raw.slice(fhirBase.replace(/\/$/, '').length + 1) : undefined;
    const m = local === undefined ? null : TYPE_AND_ID.exec(local);
    if (m) return { type: m[1]!, id: m[2]! };
    if (local !== undefined) throw new TandemError('INVALID_REQUEST', `${param}: '${raw}' is not a reference (Type/id)`);
    return { url: raw };
  }
  const m = TYPE_AND_ID.exec(raw);
  if (m) return { type: m[1]!, id: m[2]! };
  if (FHIR_ID.test(raw)) return { type: undefined, id: raw };
  throw new TandemError('INVALID_REQUEST', `${param}: '${raw}' is not a reference (Type/id, id, or an absolute URL)`);
}

/** Whether a Reference's literal `reference` is the one searched for (relative references are `Type/id`). */
export function referenceMatches(v: ReferenceValue, reference: string | undefined): boolean {
  if (reference === undefined) return false;
  if ('url' in v) return reference === v.url;
  // An absolute reference in a resource names another server's resource: it never matches a `Type/id` search.
  const m = TYPE_AND_ID.exec(reference);
  return m !== null && m[2] === v.id && (v.type === undefined || m[1] === v.type);
}
