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
 * @param parents HL03 level code → the level codes its parent may have
 */
export function checkHl(root: LoopNode, parents: Readonly<Record<string, readonly string[]>>, position: (s: Segment) => number): Finding[] {
  const out: Finding[] = [];
  const loops = hlLoops(root);
  const byId = new Map<string, Segment[]>();
  for (const n of loops) {
    const h = n.segments[0]!;
    byId.set(el(h, 1), [...(byId.get(el(h, 1)) ?? []), h]);
  }
  for (const n of loops) {
    const h = n.segments[0]!;
    const want = parents[el(h, 3)];
    const at = { segmentId: 'HL', segmentPosition: position(h), loop: n.def.id };
    if (!want) {
      if (el(h, 2) !== '') out.push({ severity: 'warning', code: 'hl-parent-unexpected', message: `HL ${el(h, 1)} (level ${el(h, 3)}) is a top level and has no parent, but HL02 is '${el(h, 2)}'`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '3', badValue: el(h, 2) });
      continue;
    }
    const parent = el(h, 2);
    const earlier = (byId.get(parent) ?? []).filter((p) => p.index < h.index);
    if (earlier.length > 1)
      // Two earlier HLs carry this id, so HL02 cannot name the parent; the parent is taken from
      // position (the nearest one). Noted rather than rejected: public samples reuse HL ids.
      out.push({ severity: 'warning', code: 'hl-ambiguous-parent', message: `HL02 '${parent}' is ambiguous: ${earlier.length} earlier HL segments have HL01 '${parent}'`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '7', badValue: parent });
    else if (earlier.length === 0)
      out.push({ severity: 'warning', code: 'hl-parent-missing', message: `HL02 '${parent}' names no earlier HL; the parent was taken from position`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '7', badValue: parent });
    else if (!want.includes(el(earlier[0], 3)))
      out.push({ severity: 'error', code: 'hl-level', message: `HL ${el(h, 1)} (level ${el(h, 3)}) has parent HL ${parent} at level ${el(earlier[0], 3)}; expected level ${want.join(' or ')}`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '7', badValue: parent });
  }
  return out;
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
