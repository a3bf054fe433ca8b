import type { Finding } from './finding.ts';
import type { Delimiters, Segment } from './tokenizer.ts';

/** Composite elements whose component count is fixed by the guides: CLM05 (3), SVC01 (≥2). */
const PROBES: ReadonlyArray<readonly [string, number, (n: number) => boolean]> = [
  ['CLM', 5, (n) => n === 3],
  ['SVC', 1, (n) => n >= 2],
];

/**
 * Some senders declare one component separator in ISA16 and use another in their
 * composites (e.g. ISA16 ':' with CLM05 '13>A>1'). When no probed composite holds the
 * declared one but they consistently hold another, that one is used, with a warning.
 */
export function componentSeparatorInUse(d: Delimiters, segments: readonly Segment[], warnings: Finding[]): Delimiters {
  for (const [id, element, ok] of PROBES) {
    const values = segments.filter((s) => s.id === id).map((s) => s.elements[element] ?? '').filter(Boolean);
    if (values.length === 0 || values.some((v) => v.includes(d.component))) continue;
    for (const cand of ['>', ':', '^', '|', '\\']) {
      if (cand === d.element || cand === d.segment) continue;
      if (values.every((v) => ok(v.split(cand).length))) {
        warnings.push({ severity: 'warning', code: 'component-separator', message: `ISA16 declares component separator '${d.component}' but the composites use '${cand}'; read with '${cand}'`, segmentId: 'ISA', elementPosition: 16 });
        return { ...d, component: cand };
      }
    }
  }
  return d;
}
