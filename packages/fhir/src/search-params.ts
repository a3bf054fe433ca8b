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
