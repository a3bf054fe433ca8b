/**
 * Streaming readers: any supported transaction set by set (`streamX12`), and 837 claims
 * set by set as typed claims (`stream837`). Memory holds one set at a time.
 */
import { componentSeparatorInUse } from './component-separator.ts';
import type { RawSet } from './envelope.ts';
import type { TransactionSet837 } from './model-837.ts';
import { readTransactionSet } from './read-837.ts';
import { streamSets, type StreamContext } from './set-stream.ts';
import { validateSet, type ValidatedSet } from './validate-set.ts';

export { X12ReadError } from './set-stream.ts';

export interface StreamedSet extends StreamContext {
  set: TransactionSet837;
}

export async function* stream837(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<StreamedSet> {
  for await (const s of streamSets(source)) {
    // Per set, the component separator the composites actually use (see componentSeparatorInUse).
    const d = componentSeparatorInUse(s.delimiters, s.raw.segments, []);
    yield { interchange: s.interchange, group: s.group, set: readTransactionSet(s.raw, d, s.group.version) };
  }
}

export interface StreamedValidatedSet extends StreamContext {
  set: ValidatedSet;
}

/** Every transaction set of the stream, validated against its guide, one at a time. */
export async function* streamX12(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<StreamedValidatedSet> {
  for await (const s of streamSets(source)) {
    // Per set, the component separator the composites actually use; the note goes with the set.
    const notes: RawSet['findings'] = [];
    const d = componentSeparatorInUse(s.delimiters, s.raw.segments, notes);
    yield { interchange: s.interchange, group: s.group, set: validateSet({ ...s.raw, findings: [...notes, ...s.raw.findings] }, d, s.group.version) };
  }
}
