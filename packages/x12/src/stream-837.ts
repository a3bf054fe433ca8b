/**
 * Streaming 837 reader: yields one transaction set at a time from a byte or string stream,
 * holding only the current set in memory. Segments split across chunk boundaries are
 * joined before they are read; back-pressure comes from the consumer's pace (`for await`).
 */
import type { TransactionSet837 } from './model-837.ts';
import { readTransactionSet } from './read-837.ts';
import { readDelimiters, type Delimiters, type Segment } from './tokenizer.ts';
import type { RawSet } from './envelope.ts';

/** Thrown by `stream837` when the stream is not an X12 interchange (there is no ISA to read). */
export class X12ReadError extends Error {
  override readonly name = 'X12ReadError';
}

export interface StreamedSet {
  interchange: { controlNumber: string; senderId: string; receiverId: string };
  group: { controlNumber: string; version: string };
  set: TransactionSet837;
}

export async function* stream837(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<StreamedSet> {
  const decoder = new TextDecoder('latin1');
  let buf = '';
  let d: Delimiters | null = null;
  let index = 0;
  let interchange = { controlNumber: '', senderId: '', receiverId: '' };
  let group = { controlNumber: '', version: '' };
  let current: { st: Segment; segments: Segment[] } | null = null;

  const handle = (raw: string): StreamedSet | null => {
    const elements = raw.split(d!.element);
    const s: Segment = { id: elements[0]!, elements, index: index++ };
    switch (s.id) {
      case 'ISA':
        interchange = { controlNumber: elements[13] ?? '', senderId: (elements[6] ?? '').trim(), receiverId: (elements[8] ?? '').trim() };
        return null;
      case 'GS':
        group = { controlNumber: elements[6] ?? '', version: elements[8] ?? '' };
        return null;
      case 'ST':
        current = { st: s, segments: [s] };
        return null;
      case 'SE': {
        if (!current) return null;
        current.segments.push(s);
        const findings: RawSet['findings'] = [];
        if (Number(elements[1]) !== current.segments.length)
          findings.push({ severity: 'warning', code: 'se-count', message: `SE01 says ${elements[1] ?? ''} segments; the transaction set has ${current.segments.length}`, segmentId: 'SE', setCode: '4' });
        const set = readTransactionSet({ st: current.st, se: s, segments: current.segments, findings }, d!, group.version);
        current = null;
        return { interchange, group, set };
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
      const raw = buf.slice(start, end).trim();
      start = end + d.segment.length;
      if (raw) {
        const out = handle(raw);
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
    for (const raw of buf.split(d.segment)) {
      const t = raw.trim();
      if (t) {
        const out = handle(t);
        if (out) yield out;
      }
    }
  }
}
