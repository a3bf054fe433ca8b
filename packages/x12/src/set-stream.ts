/**
 * Streams an X12 file from a byte or string stream: segments in batches (one per chunk
 * read), and on top of them one transaction set at a time, holding only the current set in
 * memory. Segments split across chunk boundaries are joined before they are read;
 * back-pressure comes from the consumer's pace (`for await`). A defect in one set is that
 * set's finding; the sets after it are still read.
 */
import type { RawSet } from './envelope.ts';
import { readDelimiters, type Delimiters, type Segment } from './tokenizer.ts';

/** Thrown when the stream is not an X12 interchange (there is no ISA to read). */
export class X12ReadError extends Error {
  override readonly name = 'X12ReadError';
}

export interface StreamContext {
  interchange: { controlNumber: string; senderId: string; receiverId: string };
  group: { controlNumber: string; version: string; functionalId: string };
}

export interface StreamedRawSet extends StreamContext {
  raw: RawSet;
  delimiters: Delimiters;
}

function isSpace(c: number): boolean {
  return c === 10 || c === 13 || c === 32 || c === 9;
}

/** Every segment of the stream, in batches; `index` counts from 0 over the whole stream. */
export async function* segmentBatches(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<{ delimiters: Delimiters; segments: Segment[] }> {
  const decoder = new TextDecoder('latin1');
  let buf = '';
  let d: Delimiters | null = null;
  let index = 0;
  const cut = (final: boolean): Segment[] => {
    const out: Segment[] = [];
    let start = 0;
    for (;;) {
      let end = buf.indexOf(d!.segment, start);
      if (end < 0) {
        if (!final) break;
        end = buf.length;
      }
      // Skip the line break after the previous terminator by index: trim() would copy every segment.
      let a = start;
      while (a < end && isSpace(buf.charCodeAt(a))) a++;
      let z = end;
      while (z > a && isSpace(buf.charCodeAt(z - 1))) z--;
      start = end + d!.segment.length;
      if (z > a) {
        const elements = buf.slice(a, z).split(d!.element);
        out.push({ id: elements[0]!, elements, index: index++ });
      }
      if (end >= buf.length) break;
    }
    buf = start >= buf.length ? '' : buf.slice(start);
    return out;
  };
  for await (const chunk of source) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (!d) {
      if (buf.length < 110) continue;
      const r = readDelimiters(buf);
      if (!r.ok) throw new X12ReadError(r.reason);
      d = r.delimiters;
      buf = buf.slice(r.start);
    }
    const segments = cut(false);
    if (segments.length) yield { delimiters: d, segments };
  }
  if (!d && buf.length) {
    const r = readDelimiters(buf);
    if (!r.ok) throw new X12ReadError(r.reason);
    d = r.delimiters;
    buf = buf.slice(r.start);
  }
  if (d && buf.length) {
    const segments = cut(true);
    if (segments.length) yield { delimiters: d, segments };
  }
}

/** Tracks ISA/GS around the sets: the context every streamed set or claim carries. */
export function envelopeTracker(): { context: StreamContext; see(s: Segment): void } {
  const t = {
    context: { interchange: { controlNumber: '', senderId: '', receiverId: '' }, group: { controlNumber: '', version: '', functionalId: '' } } as StreamContext,
    see(s: Segment) {
      const e = s.elements;
      if (s.id === 'ISA') t.context = { ...t.context, interchange: { controlNumber: e[13] ?? '', senderId: (e[6] ?? '').trim(), receiverId: (e[8] ?? '').trim() } };
      else if (s.id === 'GS') t.context = { ...t.context, group: { controlNumber: e[6] ?? '', version: e[8] ?? '', functionalId: e[1] ?? '' } };
    },
  };
  return t;
}

/** SE02/ST02 and SE01 checks shared by the streaming readers. */
export function trailerFindings(st: Segment, se: Segment, count: number): RawSet['findings'] {
  const findings: RawSet['findings'] = [];
  if ((se.elements[2] ?? '') !== (st.elements[2] ?? ''))
    findings.push({ severity: 'error', code: 'se-control', message: `SE02 '${se.elements[2] ?? ''}' does not match ST02 '${st.elements[2] ?? ''}'`, segmentId: 'SE', elementPosition: 2, setCode: '3' });
  if (Number(se.elements[1]) !== count)
    findings.push({ severity: 'warning', code: 'se-count', message: `SE01 says ${se.elements[1] ?? ''} segments; the transaction set has ${count}`, segmentId: 'SE', elementPosition: 1, segmentPosition: count, setCode: '4' });
  return findings;
}

export const SE_MISSING = (st: Segment): RawSet['findings'][number] => ({ severity: 'error', code: 'se-missing', message: `transaction set ${st.elements[2] ?? ''} has no SE trailer`, segmentId: 'SE', setCode: '2' });

export async function* streamSets(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<StreamedRawSet> {
  const env = envelopeTracker();
  let current: { st: Segment; segments: Segment[] } | null = null;
  let d: Delimiters | null = null;
  for await (const batch of segmentBatches(source)) {
    d = batch.delimiters;
    for (const s of batch.segments) {
      env.see(s);
      if (s.id === 'ST') current = { st: s, segments: [s] };
      else if (s.id === 'SE' && current) {
        current.segments.push(s);
        yield { ...env.context, delimiters: d, raw: { st: current.st, se: s, segments: current.segments, findings: trailerFindings(current.st, s, current.segments.length) } };
        current = null;
      } else if (current) current.segments.push(s);
    }
  }
  const open = current as { st: Segment; segments: Segment[] } | null;
  // The stream ended inside a set: it is read with what arrived, and rejected for the missing SE.
  if (open && d) yield { ...env.context, delimiters: d, raw: { st: open.st, se: null, segments: open.segments, findings: [SE_MISSING(open.st)] } };
}
