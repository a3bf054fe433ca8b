/**
 * Claim-by-claim 837 streaming: each claim is yielded as soon as its 2300 loop closes and
 * is then dropped from memory, so a transaction set of any size (hundreds of thousands of
 * claims in one ST) reads in constant memory. Every check of the whole-set reader runs as
 * the segments pass (loops, elements, HL integrity, balancing); the set's verdict comes
 * last, in a 'set' event — a consumer that must not act on claims of a rejected set waits
 * for it (the server's submission path reads set by set for that reason).
 */
import { claimBalanceFinding } from './balance.ts';
import { componentSeparatorInUse } from './component-separator.ts';
import { ElementChecker } from './element-rules.ts';
import type { Finding } from './finding.ts';
import { guideFor, KNOWN_SEGMENTS, type Guide } from './guides/index.ts';
import { HlChecker } from './hl-tree.ts';
import { LoopWalker, type LoopNode } from './loop-walker.ts';
import type { Claim837, TransactionSet837 } from './model-837.ts';
import { billingParties, headerParties, patientOf, readClaim, readTransactionSet, subscriberParties, type ClaimContext } from './read-837.ts';
import { envelopeTracker, SE_MISSING, segmentBatches, trailerFindings, type StreamContext } from './set-stream.ts';
import type { Delimiters, Segment } from './tokenizer.ts';

export type ClaimStreamEvent =
  | (StreamContext & { kind: 'claim'; setControlNumber: string; claim: Claim837 })
  /** The set's verdict, after its claims; `set.claims` is empty here (they were yielded one by one). */
  | (StreamContext & { kind: 'set'; set: TransactionSet837; notes: Finding[] });

/** One 837P/837I set being read. */
class ClaimSetReader {
  readonly findings: Finding[] = [];
  readonly claims: Claim837[] = [];
  private readonly walker: LoopWalker;
  private readonly checker: ElementChecker;
  private readonly hl: HlChecker;
  private readonly position: (s: Segment) => number;
  private readonly contexts = new WeakMap<LoopNode, ClaimContext>();
  private header: Pick<ClaimContext, 'submitter' | 'receiver'> | null = null;
  private separatorChecked = false;
  /** Interchange-level notes (a component separator other than ISA16's). */
  readonly notes: Finding[] = [];
  count = 1;

  constructor(readonly st: Segment, private readonly guide: Guide, private d: Delimiters, readonly version: string) {
    this.position = (s) => s.index - st.index + 1;
    this.checker = new ElementChecker(d, this.position);
    this.hl = new HlChecker(guide.hlParents, this.position);
    this.walker = new LoopWalker(guide.schema, st, KNOWN_SEGMENTS, this.position, (node, open) => this.closed(node, open));
    this.checker.check(st, 'HEADER', guide);
  }

  push(s: Segment): void {
    this.count++;
    if (s.id === 'CLM' && !this.separatorChecked) {
      // The whole-file reader looks at every CLM05; a stream decides at the set's first claim.
      this.separatorChecked = true;
      this.d = componentSeparatorInUse(this.d, [s], this.notes);
      this.checker.useDelimiters(this.d);
    }
    const loop = this.walker.push(s);
    this.checker.check(s, loop.def.id, this.guide);
    if (s.id === 'HL') this.hl.push(s, loop.def.id);
  }

  private context(open: readonly LoopNode[]): ClaimContext {
    const parent = open[open.length - 1]!;
    const known = this.contexts.get(parent);
    if (known) return known;
    this.header ??= headerParties(open[0]!);
    const a = open.find((n) => n.def.id === '2000A');
    const b = open.find((n) => n.def.id === '2000B');
    const c = open.find((n) => n.def.id === '2000C');
    const ctx: ClaimContext = {
      setControl: this.st.elements[2] ?? '', kind: this.guide.key === '837I' ? 'institutional' : 'professional', d: this.d, position: this.position, findings: this.findings,
      ...this.header, ...(a ? billingParties(a) : { billing: { npi: null, taxId: null, name: '', entityType: '2' }, payTo: undefined }),
      ...(b ? subscriberParties(b) : { subscriber: { memberId: '', lastName: '', payerResponsibility: '', relationship: '' }, payer: { name: '', id: '' } }),
      patient: c ? patientOf(c) : undefined,
    };
    this.contexts.set(parent, ctx);
    return ctx;
  }

  /** A loop closed: a claim is read and dropped; finished subscriber and provider loops are dropped too. */
  private closed(node: LoopNode, open: readonly LoopNode[]): void {
    const parent = open[open.length - 1];
    if (node.def.id === '2300') {
      const f = claimBalanceFinding(this.guide, node, this.position);
      if (f) this.findings.push(f);
      this.claims.push(readClaim(node, this.context(open)));
    }
    if (parent && (node.def.id === '2300' || node.def.id === '2000A' || node.def.id === '2000B' || node.def.id === '2000C')) {
      const i = parent.children.lastIndexOf(node);
      if (i >= 0) parent.children.splice(i, 1);
    }
  }

  finish(last: Segment, trailer: Finding[]): TransactionSet837 {
    const walk = this.walker.finish(last);
    const findings = [...trailer, ...walk.findings, ...this.checker.findings, ...this.hl.findings, ...this.findings];
    const kind = this.guide.key === '837I' ? 'institutional' : 'professional';
    return { controlNumber: this.st.elements[2] ?? '', implementationGuide: this.version, kind, accepted: !findings.some((f) => f.severity === 'error'), findings, segmentCount: this.count, claims: [] };
  }
}

export async function* stream837Claims(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<ClaimStreamEvent> {
  const env = envelopeTracker();
  let reader: ClaimSetReader | null = null;
  // Sets that are not 837P/837I are gathered whole and answered by the set reader (rejected as not a claim set, or read).
  let other: { st: Segment; segments: Segment[] } | null = null;
  let d: Delimiters | null = null;
  for await (const batch of segmentBatches(source)) {
    d = batch.delimiters;
    for (const s of batch.segments) {
      env.see(s);
      if (s.id === 'ST') {
        const version = s.elements[3] || env.context.group.version;
        const guide = guideFor(s.elements[1] ?? '', version);
        if (guide && (guide.key === '837P' || guide.key === '837I')) reader = new ClaimSetReader(s, guide, d, version);
        else other = { st: s, segments: [s] };
      } else if (s.id === 'SE' && (reader || other)) {
        if (reader) {
          const r: ClaimSetReader = reader;
          r.push(s);
          const set = r.finish(s, trailerFindings(r.st, s, r.count));
          for (const claim of r.claims) yield { ...env.context, kind: 'claim', setControlNumber: set.controlNumber, claim };
          yield { ...env.context, kind: 'set', set, notes: r.notes };
        } else {
          const o = other!;
          o.segments.push(s);
          const notes: Finding[] = [];
          const set = readTransactionSet({ st: o.st, se: s, segments: o.segments, findings: trailerFindings(o.st, s, o.segments.length) }, componentSeparatorInUse(d, o.segments, notes), env.context.group.version);
          for (const claim of set.claims) yield { ...env.context, kind: 'claim', setControlNumber: set.controlNumber, claim };
          yield { ...env.context, kind: 'set', set: { ...set, claims: [] }, notes };
        }
        reader = null;
        other = null;
      } else if (reader) reader.push(s);
      else if (other) other.segments.push(s);
    }
    // Claims read from this batch go out now: memory holds one batch of claims, not one set.
    if (reader && reader.claims.length) {
      const r: ClaimSetReader = reader;
      const { interchange, group } = env.context;
      const control = r.st.elements[2] ?? '';
      for (const claim of r.claims.splice(0)) yield { interchange, group, kind: 'claim', setControlNumber: control, claim };
    }
  }
  const open = reader as ClaimSetReader | null;
  if (open) {
    const set = open.finish(open.st, [SE_MISSING(open.st)]);
    for (const claim of open.claims) yield { ...env.context, kind: 'claim', setControlNumber: set.controlNumber, claim };
    yield { ...env.context, kind: 'set', set, notes: open.notes };
  }
}
