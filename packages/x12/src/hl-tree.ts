/**
 * The HL hierarchy: integrity checks (HL01 unique, HL02 naming an earlier HL one level up)
 * and the tree built from HL01/HL02 rather than from segment order.
 * https://x12.org — X12.6 hierarchical structure; level codes per implementation guide
 */
import type { Finding } from './finding.ts';
import type { LoopNode } from './loop-walker.ts';
import type { Segment } from './tokenizer.ts';

const el = (s: Segment | undefined, i: number): string => s?.elements[i] ?? '';

/** Every loop started by an HL, in order. */
export function hlLoops(root: LoopNode): LoopNode[] {
  const out: LoopNode[] = [];
  const visit = (n: LoopNode) => {
    if (n.segments[0]?.id === 'HL') out.push(n);
    n.children.forEach(visit);
  };
  visit(root);
  return out;
}

/**
 * HL integrity, one HL at a time (the streaming 837 reader checks as it goes).
 * @param parents HL03 level code → the level codes its parent may have
 */
export class HlChecker {
  readonly findings: Finding[] = [];
  private readonly levels = new Map<string, { level: string; count: number }>();

  constructor(private readonly parents: Readonly<Record<string, readonly string[]>>, private readonly position: (s: Segment) => number) {}

  push(h: Segment, loop: string): void {
    const want = this.parents[el(h, 3)];
    const at = { segmentId: 'HL', segmentPosition: this.position(h), loop };
    if (!want) {
      if (el(h, 2) !== '') this.findings.push({ severity: 'warning', code: 'hl-parent-unexpected', message: `HL ${el(h, 1)} (level ${el(h, 3)}) is a top level and has no parent, but HL02 is '${el(h, 2)}'`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '3', badValue: el(h, 2) });
    } else {
      const parent = el(h, 2);
      const earlier = this.levels.get(parent);
      if (earlier && earlier.count > 1)
        // Two earlier HLs carry this id, so HL02 cannot name the parent; the parent is taken from
        // position (the nearest one). Noted rather than rejected: public samples reuse HL ids.
        this.findings.push({ severity: 'warning', code: 'hl-ambiguous-parent', message: `HL02 '${parent}' is ambiguous: ${earlier.count} earlier HL segments have HL01 '${parent}'`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '7', badValue: parent });
      else if (!earlier)
        this.findings.push({ severity: 'warning', code: 'hl-parent-missing', message: `HL02 '${parent}' names no earlier HL; the parent was taken from position`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '7', badValue: parent });
      else if (!want.includes(earlier.level))
        this.findings.push({ severity: 'error', code: 'hl-level', message: `HL ${el(h, 1)} (level ${el(h, 3)}) has parent HL ${parent} at level ${earlier.level}; expected level ${want.join(' or ')}`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '7', badValue: parent });
    }
    const mine = this.levels.get(el(h, 1));
    // The first HL with an id is the one HL02 names (as before: the earliest level is reported).
    if (mine) mine.count++;
    else this.levels.set(el(h, 1), { level: el(h, 3), count: 1 });
  }
}

/**
 * @param parents HL03 level code → the level codes its parent may have
 */
export function checkHl(root: LoopNode, parents: Readonly<Record<string, readonly string[]>>, position: (s: Segment) => number): Finding[] {
  const checker = new HlChecker(parents, position);
  for (const n of hlLoops(root)) checker.push(n.segments[0]!, n.def.id);
  return checker.findings;
}

export interface HlNode {
  readonly id: string;
  readonly level: string;
  readonly loop: LoopNode;
  readonly children: HlNode[];
}

/**
 * The hierarchy as HL01/HL02 describe it. An HL whose HL02 names no earlier HL (or an
 * ambiguous one) hangs under the nearest earlier HL with that id, else at the top.
 */
export function hlTree(root: LoopNode): HlNode[] {
  const top: HlNode[] = [];
  const latest = new Map<string, HlNode>();
  for (const loop of hlLoops(root)) {
    const h = loop.segments[0]!;
    const node: HlNode = { id: el(h, 1), level: el(h, 3), loop, children: [] };
    const parent = el(h, 2) ? latest.get(el(h, 2)) : undefined;
    (parent ? parent.children : top).push(node);
    latest.set(node.id, node);
  }
  return top;
}
