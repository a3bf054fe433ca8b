/**
 * @tandem/x12 — HIPAA X12 005010 toolkit with no runtime dependencies: a reader for every
 * supported implementation guide (837P/I/D, 835, 270/271, 276/277, 277CA, 278, 834, 820,
 * 999, 997) into loop trees with SNIP 1–3 findings, a lossless JSON form, 999/TA1
 * builders, typed 837 claims and 835 remittances, writers, and a streaming 837 reader.
 */
export * from './build-277ca.ts';
export * from './build-999.ts';
export * from './build-ta1.ts';
export * from './guides/index.ts';
export { checkHl, hlTree, type HlNode } from './hl-tree.ts';
export * from './json.ts';
export type { LoopNode } from './loop-walker.ts';
export * from './read-x12.ts';
export * from './validate-set.ts';
export * from './views/index.ts';
export type { Finding } from './finding.ts';
export * from './model-835.ts';
export * from './model-837.ts';
export { centsFromX12, x12FromCents } from './money.ts';
export { read837, readTransactionSet, isoDate } from './read-837.ts';
export * from './read-835.ts';
export { streamSets, type StreamContext, type StreamedRawSet } from './set-stream.ts';
export * from './read-999.ts';
export * from './stream-837.ts';
export * from './stream-837-claims.ts';
export { readDelimiters, tokenize, type Delimiters, type Segment } from './tokenizer.ts';
export * from './write-270.ts';
export * from './write-278-271.ts';
export * from './write-835.ts';
export * from './write-837.ts';
export { X12Writer } from './writer.ts';
