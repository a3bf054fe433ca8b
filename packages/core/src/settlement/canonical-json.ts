/**
 * Canonical JSON for comparing a stored settlement with its replay byte for byte. A stored run
 * comes back from a `jsonb` column, which keeps no key order, so "byte-identical" is defined
 * on the canonical form: object keys sorted by UTF-16 code units at every level, no
 * whitespace, numbers and strings as `JSON.stringify` writes them — the JSON Canonicalization
 * Scheme (RFC 8785, https://www.rfc-editor.org/rfc/rfc8785) for the integers and strings a
 * settlement holds.
 */

/** The canonical text of a JSON value (undefined members are left out, as JSON.stringify does). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort(cmp);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

/** Where two JSON values first differ, in canonical order. */
export interface JsonDifference {
  /** JSON path, e.g. `outputs.waterfall[3].amountCents` (`inputs.claims["m-1"][0][1]` for keys that are not identifiers). */
  readonly path: string;
  /** Canonical JSON of the first value there, or `(absent)`. */
  readonly stored: string;
  /** Canonical JSON of the second value there, or `(absent)`. */
  readonly replayed: string;
}

/** The first place (in canonical key order, arrays by index) where `stored` and `replayed` differ; null when their canonical texts are equal. */
export function firstJsonDifference(stored: unknown, replayed: unknown, path = ''): JsonDifference | null {
  const show = (x: unknown) => (x === undefined ? '(absent)' : canonicalJson(x));
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (Array.isArray(stored) && Array.isArray(replayed)) {
    for (let i = 0; i < Math.max(stored.length, replayed.length); i++) {
      const d = firstJsonDifference(stored[i], replayed[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (isObj(stored) && isObj(replayed)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(replayed)])].sort(cmp);
    for (const k of keys) {
      const d = firstJsonDifference(stored[k], replayed[k], /^[A-Za-z_$][\w$]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`);
      if (d) return d;
    }
    return null;
  }
  const a = show(stored);
  const b = show(replayed);
  return a === b ? null : { path: path || '(root)', stored: a, replayed: b };
}

/** Plain code-unit order, not localeCompare: the same on every machine (RFC 8785 §3.2.3). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
