/**
 * Validates one ST…SE transaction set against its implementation guide: loops (SNIP 2
 * structure), elements (SNIP 2 values), the HL hierarchy and balancing (SNIP 3).
 * Never throws on input.
 */
import { balanceFindings } from './balance.ts';
import { ElementChecker } from './element-rules.ts';
import type { RawSet } from './envelope.ts';
import type { Finding } from './finding.ts';
import { guideFor, KNOWN_SEGMENTS, type Guide } from './guides/index.ts';
import { checkHl } from './hl-tree.ts';
import { walkLoops, type LoopNode } from './loop-walker.ts';
import type { Delimiters, Segment } from './tokenizer.ts';

export interface ValidatedSet {
  readonly guide: Guide | null;
  /** ST01. */
  readonly transaction: string;
  readonly controlNumber: string;
  /** ST03, else GS08. */
  readonly implementationGuide: string;
  /** The loop tree; null when the set could not be routed to a guide. */
  readonly tree: LoopNode | null;
  readonly segments: readonly Segment[];
  readonly findings: Finding[];
  readonly accepted: boolean;
}

const el = (s: Segment | undefined, i: number): string => s?.elements[i] ?? '';

export function validateSet(raw: RawSet, d: Delimiters, groupVersion: string): ValidatedSet {
  const st = raw.st;
  const version = el(st, 3) || groupVersion;
  const bht = raw.segments[1]?.id === 'BHT' ? raw.segments[1] : undefined;
  const guide = guideFor(el(st, 1), version, el(bht, 2));
  const findings: Finding[] = [...raw.findings];
  const base = { guide, transaction: el(st, 1), controlNumber: el(st, 2), implementationGuide: version, segments: raw.segments };
  if (!guide) {
    findings.push({ severity: 'error', code: 'set-not-supported', message: `transaction set ${el(st, 1)} with implementation guide '${version}' is not supported`, segmentId: 'ST', segmentPosition: 1, setCode: '1' });
    return { ...base, tree: null, findings, accepted: false };
  }
  if (el(st, 3) && groupVersion && el(st, 3) !== groupVersion)
    findings.push({ severity: 'warning', code: 'st03-gs08', message: `ST03 '${el(st, 3)}' differs from GS08 '${groupVersion}'`, segmentId: 'ST', segmentPosition: 1, elementPosition: 3 });
  const position = (s: Segment) => s.index - st.index + 1;
  const walk = walkLoops(guide.schema, raw.segments, KNOWN_SEGMENTS, position);
  findings.push(...walk.findings);
  const checker = new ElementChecker(d, position);
  const visit = (n: LoopNode) => {
    for (const s of n.segments) checker.check(s, n.def.id, guide);
    n.children.forEach(visit);
  };
  visit(walk.root);
  findings.push(...checker.findings, ...checkHl(walk.root, guide.hlParents, position), ...balanceFindings(guide, walk.root, position));
  return { ...base, tree: walk.root, findings, accepted: !findings.some((f) => f.severity === 'error') };
}
