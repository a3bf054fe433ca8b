/**
 * SNIP type 3 balancing, in integer cents (never binary floats):
 * 837 — CLM02 equals the sum of the line charges (SV102 / SV203 / SV302);
 * 835 — SVC02 − ΣCAS = SVC03, CLP03 − ΣCAS (claim and lines) = CLP04,
 *       BPR02 = ΣCLP04 − ΣPLB (005010X221A1 section 1.10.2).
 */
import type { Finding } from './finding.ts';
import type { Guide } from './guides/guide.ts';
import type { LoopNode } from './loop-walker.ts';
import { centsFromX12, x12FromCents } from './money.ts';
import type { Segment } from './tokenizer.ts';

const cents = (s: Segment | undefined, i: number): number => centsFromX12(s?.elements[i] ?? '') ?? 0;
const CAS_AMOUNTS = [3, 6, 9, 12, 15, 18];
const PLB_AMOUNTS = [4, 6, 8, 10, 12, 14];

function sumOf(segments: readonly Segment[], id: string, elements: readonly number[]): number {
  let t = 0;
  for (const s of segments) if (s.id === id) for (const e of elements) t += cents(s, e);
  return t;
}

function loops(n: LoopNode, id: string, out: LoopNode[] = []): LoopNode[] {
  for (const c of n.children) {
    if (c.def.id === id) out.push(c);
    loops(c, id, out);
  }
  return out;
}

const LINE_CHARGE: Readonly<Record<string, readonly [string, number]>> = { '837P': ['SV1', 2], '837I': ['SV2', 3], '837D': ['SV3', 2] };

/** 837 claim balancing for one 2300 loop (null when balanced or without lines). */
export function claimBalanceFinding(guide: Guide, claim: LoopNode, position: (s: Segment) => number): Finding | null {
  const line = LINE_CHARGE[guide.key];
  if (!line) return null;
  const clm = claim.segments[0]!;
  let sum = 0;
  let lines = 0;
  for (const l of claim.children) {
    if (l.def.id !== '2400') continue;
    lines++;
    sum += cents(l.segments.find((s) => s.id === line[0]), line[1]);
  }
  if (lines === 0 || sum === cents(clm, 2)) return null;
  // Noted in the 999 rather than rejected: adjudication prices the lines, and widely used
  // public samples carry unbalanced CLM02 values.
  return { severity: 'warning', code: 'claim-unbalanced', message: `CLM02 ${clm.elements[2] ?? ''} does not equal the sum of line charges ${x12FromCents(sum)}`, segmentId: 'CLM', segmentPosition: position(clm), loop: '2300', elementPosition: 2, elementRef: '782', ik3Code: '8', ik4Code: 'I12', badValue: clm.elements[2] ?? '' };
}

export function balanceFindings(guide: Guide, root: LoopNode, position: (s: Segment) => number): Finding[] {
  const out: Finding[] = [];
  if (LINE_CHARGE[guide.key]) {
    for (const claim of loops(root, '2300')) {
      const f = claimBalanceFinding(guide, claim, position);
      if (f) out.push(f);
    }
  }
  if (guide.key === '835') {
    let paid = 0;
    for (const claim of loops(root, '2100')) {
      const clp = claim.segments[0]!;
      let adjustments = sumOf(claim.segments, 'CAS', CAS_AMOUNTS);
      for (const svcLoop of claim.children.filter((c) => c.def.id === '2110')) {
        const svc = svcLoop.segments[0]!;
        const cas = sumOf(svcLoop.segments, 'CAS', CAS_AMOUNTS);
        adjustments += cas;
        if (cents(svc, 2) - cas !== cents(svc, 3))
          out.push({ severity: 'error', code: 'svc-unbalanced', message: `SVC02 ${svc.elements[2] ?? ''} − adjustments ${x12FromCents(cas)} ≠ SVC03 ${svc.elements[3] ?? ''} (claim ${clp.elements[1] ?? ''})`, segmentId: 'SVC', segmentPosition: position(svc), loop: '2110', elementPosition: 3, ik3Code: '8', ik4Code: 'I12', badValue: svc.elements[3] ?? '' });
      }
      if (cents(clp, 3) - adjustments !== cents(clp, 4))
        out.push({ severity: 'error', code: 'clp-unbalanced', message: `CLP03 ${clp.elements[3] ?? ''} − adjustments ${x12FromCents(adjustments)} ≠ CLP04 ${clp.elements[4] ?? ''} (claim ${clp.elements[1] ?? ''})`, segmentId: 'CLP', segmentPosition: position(clp), loop: '2100', elementPosition: 4, ik3Code: '8', ik4Code: 'I12', badValue: clp.elements[4] ?? '' });
      paid += cents(clp, 4);
    }
    const bpr = root.segments.find((s) => s.id === 'BPR');
    const plb = sumOf(root.segments, 'PLB', PLB_AMOUNTS);
    if (bpr && paid - plb !== cents(bpr, 2))
      out.push({ severity: 'error', code: 'bpr-unbalanced', message: `BPR02 ${bpr.elements[2] ?? ''} ≠ ΣCLP04 ${x12FromCents(paid)} − ΣPLB ${x12FromCents(plb)}`, segmentId: 'BPR', segmentPosition: position(bpr), elementPosition: 2, ik3Code: '8', ik4Code: 'I12', badValue: bpr.elements[2] ?? '' });
  }
  return out;
}
