/**
 * @tandem/x12 — HIPAA X12 005010 toolkit with no runtime dependencies: tokenizer, 837P/837I
 * reader with implementation-guide loops and SNIP 1–2 checks, 999/TA1 builders, 835/837
 * writers, 835 reader with balancing, and a streaming 837 reader.
 */
export * from './build-999.ts';
export * from './build-ta1.ts';
export type { Finding } from './finding.ts';
export * from './model-835.ts';
export * from './model-837.ts';
export { centsFromX12, x12FromCents } from './money.ts';
export { read837, readTransactionSet, isoDate } from './read-837.ts';
export * from './read-835.ts';
export * from './read-999.ts';
export * from './stream-837.ts';
export { readDelimiters, tokenize, type Delimiters, type Segment } from './tokenizer.ts';
export * from './write-835.ts';
export * from './write-837.ts';
export { X12Writer } from './writer.ts';
