/**
 * Walks a transaction set's segments through a loop schema, building the loop tree and
 * collecting structural findings (999 IK3): unrecognized, unexpected, out-of-sequence and
 * over-used segments, loops over their maximum, and required segments or loops missing.
 */
import type { Finding } from './finding.ts';
import type { Entry, LoopDef, SegmentEntry } from './loop-schema.ts';
import type { Segment } from './tokenizer.ts';

export interface LoopNode {
  readonly def: LoopDef;
  /** Segments directly in this loop, in order (the trigger first). */
  readonly segments: Segment[];
  readonly children: LoopNode[];
  /** Position (ST = 1) of the trigger segment. */
  readonly position: number;
}

interface Frame {
  node: LoopNode;
  idx: number;
  counts: number[];
}

function matchesSegment(e: SegmentEntry, s: Segment): boolean {
  return e.id === s.id && (!e.q || e.q.values.includes(s.elements[e.q.element] ?? ''));
}

function matches(e: Entry, s: Segment): boolean {
  return e.kind === 'segment' ? matchesSegment(e, s) : matchesSegment(e.loop.entries[0] as SegmentEntry, s);
}

function entryId(e: Entry): string {
  return e.kind === 'segment' ? e.id : (e.loop.entries[0] as SegmentEntry).id;
}

const INDEX = new WeakMap<LoopDef, Map<string, number[]>>();

/** Entry positions of a loop by the segment id that starts them, ascending (computed once per loop definition). */
function entryIndex(def: LoopDef): Map<string, number[]> {
  let m = INDEX.get(def);
  if (!m) {
    m = new Map();
    def.entries.forEach((e, j) => {
      const id = entryId(e);
      const list = m!.get(id);
      if (list) list.push(j);
      else m!.set(id, [j]);
    });
    INDEX.set(def, m);
  }
  return m;
}

export interface WalkResult {
  readonly root: LoopNode;
  readonly findings: Finding[];
}

/**
 * The walker, one segment at a time, so a caller can act on each loop as it closes (the
 * claim-by-claim 837 stream extracts a claim when its 2300 loop closes, then drops it).
 */
export class LoopWalker {
  readonly root: LoopNode;
  readonly findings: Finding[] = [];
  private readonly stack: Frame[];

  /**
   * @param first the ST segment
   * @param known segment ids the guide knows; others are reported as unrecognized
   * @param position maps a segment to its position in the set (ST = 1)
   * @param onClose called when a loop is complete, with the loops still open above it (outermost first)
   */
  constructor(
    schema: LoopDef,
    first: Segment,
    private readonly known: ReadonlySet<string>,
    private readonly position: (s: Segment) => number,
    private readonly onClose?: (node: LoopNode, open: readonly LoopNode[]) => void,
  ) {
    this.root = { def: schema, segments: [first], children: [], position: position(first) };
    this.stack = [{ node: this.root, idx: 0, counts: schema.entries.map((_, i) => (i === 0 ? 1 : 0)) }];
  }

  private missing(frame: Frame, from: number, to: number, at: number): void {
    for (let j = from; j < to; j++) {
      const e = frame.node.def.entries[j]!;
      if (e.required && frame.counts[j] === 0) {
        const id = entryId(e);
        const what = e.kind === 'loop' ? `loop ${e.loop.id} (${e.loop.name})` : `segment ${id}`;
        this.findings.push({ severity: 'error', code: 'required-missing', message: `required ${what} is missing in loop ${frame.node.def.id}`, segmentId: id, segmentPosition: at, loop: frame.node.def.id, ik3Code: '3' });
      }
    }
  }

  /** Closes the frames above depth `keep` (innermost first). */
  private closeAbove(keep: number, at: number): void {
    const stack = this.stack;
    for (let up = stack.length - 1; up > keep; up--) {
      const frame = stack[up]!;
      this.missing(frame, frame.idx + 1, frame.node.def.entries.length, at);
      stack.length = up;
      this.onClose?.(frame.node, stack.map((f) => f.node));
    }
  }

  /** Places one segment (after the ST); returns the loop it was placed in. */
  push(s: Segment): LoopNode {
    const stack = this.stack;
    const findings = this.findings;
    const pos = this.position(s);
    let placed = false;
    // 1. Forward in the innermost loop, then in each enclosing loop (which closes the inner ones).
    for (let d = stack.length - 1; d >= 0 && !placed; d--) {
      const f = stack[d]!;
      const entries = f.node.def.entries;
      const candidates = entryIndex(f.node.def).get(s.id);
      if (!candidates) continue;
      for (const j of candidates) {
        if (j < Math.max(f.idx, 1)) continue;
        const e = entries[j]!;
        if (!matches(e, s)) continue;
        // A repeat of the current entry beyond its maximum is still placed, and reported.
        this.closeAbove(d, pos);
        this.missing(f, f.idx + 1, j, pos);
        f.idx = j;
        f.counts[j] = (f.counts[j] ?? 0) + 1;
        if (f.counts[j]! > e.max) {
          findings.push(
            e.kind === 'loop'
              ? { severity: 'error', code: 'loop-over-max', message: `loop ${e.loop.id} (${e.loop.name}) occurs more than ${e.max} time(s) in loop ${f.node.def.id}`, segmentId: s.id, segmentPosition: pos, loop: e.loop.id, ik3Code: '4' }
              : { severity: 'error', code: 'segment-over-max', message: `segment ${s.id} occurs more than ${e.max} time(s) in loop ${f.node.def.id}`, segmentId: s.id, segmentPosition: pos, loop: f.node.def.id, ik3Code: '5' },
          );
        }
        if (e.kind === 'loop') {
          const node: LoopNode = { def: e.loop, segments: [s], children: [], position: pos };
          f.node.children.push(node);
          stack.push({ node, idx: 0, counts: e.loop.entries.map((_, i) => (i === 0 ? 1 : 0)) });
        } else {
          f.node.segments.push(s);
        }
        placed = true;
        break;
      }
    }
    if (placed) return stack[stack.length - 1]!.node;
    const top = stack[stack.length - 1]!;
    // 2. Known to this loop but earlier in its order: out of sequence.
    const back = top.node.def.entries.findIndex((e, j) => j > 0 && j < top.idx && e.kind === 'segment' && matchesSegment(e, s));
    if (back > 0) {
      top.counts[back] = (top.counts[back] ?? 0) + 1;
      top.node.segments.push(s);
      findings.push({ severity: 'error', code: 'out-of-sequence', message: `segment ${s.id} is out of order in loop ${top.node.def.id} (${top.node.def.name})`, segmentId: s.id, segmentPosition: pos, loop: top.node.def.id, ik3Code: '7' });
      return top.node;
    }
    // 3. Not placeable: a wrong qualifier on a loop trigger, a segment the guide has elsewhere, or an unknown id.
    // Kept where it was found, so the tree still holds every segment of the set (lossless JSON and rewriting).
    top.node.segments.push(s);
    if (!this.known.has(s.id)) {
      findings.push({ severity: 'error', code: 'unrecognized-segment', message: `unrecognized segment ID '${s.id}'`, segmentId: s.id.slice(0, 3) || '???', segmentPosition: pos, loop: top.node.def.id, ik3Code: '1' });
      return top.node;
    }
    const qualified = stack
      .flatMap((f) => f.node.def.entries.slice(Math.max(f.idx, 1)))
      .find((e): e is Entry => entryId(e) === s.id && (e.kind === 'loop' ? !!(e.loop.entries[0] as SegmentEntry).q : !!e.q));
    if (qualified) {
      const q = (qualified.kind === 'loop' ? (qualified.loop.entries[0] as SegmentEntry).q : qualified.q)!;
      const allowed = stack.flatMap((f) => f.node.def.entries.slice(Math.max(f.idx, 1))).filter((e) => entryId(e) === s.id).flatMap((e) => (e.kind === 'loop' ? ((e.loop.entries[0] as SegmentEntry).q?.values ?? []) : (e.q?.values ?? [])));
      findings.push({
        severity: 'error', code: 'invalid-qualifier', message: `${s.id}${String(q.element).padStart(2, '0')} '${s.elements[q.element] ?? ''}' is not valid here (expected one of ${[...new Set(allowed)].join(', ')})`,
        segmentId: s.id, segmentPosition: pos, loop: top.node.def.id, elementPosition: q.element, ik3Code: '8', ik4Code: (s.elements[q.element] ?? '') === '' ? '1' : '7', badValue: s.elements[q.element] ?? '',
      });
      return top.node;
    }
    findings.push({ severity: 'error', code: 'unexpected-segment', message: `segment ${s.id} is not expected in loop ${top.node.def.id} (${top.node.def.name})`, segmentId: s.id, segmentPosition: pos, loop: top.node.def.id, ik3Code: '2' });
    return top.node;
  }

  /** Closes every open loop; `last` is the set's last segment (for positions). */
  finish(last: Segment): WalkResult {
    this.closeAbove(0, this.position(last));
    const root = this.stack[0]!;
    this.missing(root, root.idx + 1, root.node.def.entries.length, this.position(last));
    this.onClose?.(this.root, []);
    return { root: this.root, findings: this.findings };
  }
}

/**
 * @param known segment ids the guide knows; others are reported as unrecognized
 * @param position maps a segment to its position in the set (ST = 1)
 */
export function walkLoops(schema: LoopDef, segments: readonly Segment[], known: ReadonlySet<string>, position: (s: Segment) => number): WalkResult {
  const w = new LoopWalker(schema, segments[0]!, known, position);
  for (let k = 1; k < segments.length; k++) w.push(segments[k]!);
  return w.finish(segments[segments.length - 1]!);
}
