/**
 * Streams an X12 file one transaction set at a time from a byte or string stream, holding
 * only the current set in memory. Segments split across chunk boundaries are joined before
 * they are read; back-pressure comes from the consumer's pace (`for await`). A defect in
 * one set is that set's finding; the sets after it are still read.
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

export async function* streamSets(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<StreamedRawSet> {
  const decoder = new TextDecoder('latin1');
  let buf = '';
  let d: Delimiters | null = null;
  let index = 0;
  let interchange = { controlNumber: '', senderId: '', receiverId: '' };
  let group = { controlNumber: '', version: '', functionalId: '' };
  let current: { st: Segment; segments: Segment[] } | null = null;

  const handle = (raw: string): StreamedRawSet | null => {
    const elements = raw.split(d!.element);
    const s: Segment = { id: elements[0]!, elements, index: index++ };
    switch (s.id) {
      case 'ISA':
        interchange = { controlNumber: elements[13] ?? '', senderId: (elements[6] ?? '').trim(), receiverId: (elements[8] ?? '').trim() };
        return null;
      case 'GS':
        group = { controlNumber: elements[6] ?? '', version: elements[8] ?? '', functionalId: elements[1] ?? '' };
        return null;
      case 'ST':
        current = { st: s, segments: [s] };
        return null;
      case 'SE': {
        if (!current) return null;
        current.segments.push(s);
        const findings: RawSet['findings'] = [];
        if ((elements[2] ?? '') !== (current.st.elements[2] ?? ''))
          findings.push({ severity: 'error', code: 'se-control', message: `SE02 '${elements[2] ?? ''}' does not match ST02 '${current.st.elements[2] ?? ''}'`, segmentId: 'SE', elementPosition: 2, setCode: '3' });
        if (Number(elements[1]) !== current.segments.length)
          findings.push({ severity: 'warning', code: 'se-count', message: `SE01 says ${elements[1] ?? ''} segments; the transaction set has ${current.segments.length}`, segmentId: 'SE', setCode: '4' });
        const out = { interchange, group, raw: { st: current.st, se: s, segments: current.segments, findings }, delimiters: d! };
        current = null;
        return out;
      }
      default:
        if (current) current.segments.push(s);
        return null;
    }
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
    let start = 0;
    for (;;) {
      const end = buf.indexOf(d.segment, start);
      if (end < 0) break;
      // Skip the line break after the previous terminator by index: trim() would copy every segment.
      let a = start;
      while (a < end && isSpace(buf.charCodeAt(a))) a++;
      let z = end;
      while (z > a && isSpace(buf.charCodeAt(z - 1))) z--;
      start = end + d.segment.length;
      if (z > a) {
        const out = handle(buf.slice(a, z));
        if (out) yield out;
      }
    }
    buf = buf.slice(start);
  }
  if (!d && buf.length) {
    const r = readDelimiters(buf);
    if (!r.ok) throw new X12ReadError(r.reason);
    d = r.delimiters;
    buf = buf.slice(r.start);
  }
  if (d) {
    for (const raw of buf.split(d.segment)) {
      const t = raw.trim();
      if (t) {
        const out = handle(t);
        if (out) yield out;
      }
    }
    const open = current as { st: Segment; segments: Segment[] } | null;
    if (open) {
      // The stream ended inside a set: it is read with what arrived, and rejected for the missing SE.
      yield { interchange, group, delimiters: d, raw: { st: open.st, se: null, segments: open.segments, findings: [{ severity: 'error', code: 'se-missing', message: `transaction set ${open.st.elements[2] ?? ''} has no SE trailer`, segmentId: 'SE', setCode: '2' }] } };
    }
  }
}

function isSpace(c: number): boolean {
  return c === 10 || c === 13 || c === 32 || c === 9;
}
