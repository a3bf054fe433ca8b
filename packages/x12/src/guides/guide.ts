/**
 * An implementation guide Tandem knows: the transaction set it governs, its identifier
 * (ST03 / GS08), its loop structure and the facts the checks need (HL level parents,
 * BHT codes). Guides are data; one reader and one writer serve all of them.
 * https://x12.org/products/transaction-sets (005010 HIPAA implementation guides)
 */
import type { Entry, LoopDef } from '../loop-schema.ts';

export type GuideKey =
  | '837P' | '837I' | '837D' | '835' | '270' | '271' | '276' | '277' | '277CA' | '278-request' | '278-response'
  | '834' | '834-HIX' | '820' | '820-HIX' | '999' | '997';

export interface Guide {
  readonly key: GuideKey;
  /** ST01. */
  readonly transaction: string;
  /** Implementation guide identifiers this guide accepts in ST03 / GS08 (the first is the one written). */
  readonly versions: readonly string[];
  readonly name: string;
  /** GS01 functional identifier code. */
  readonly functionalId: string;
  readonly schema: LoopDef;
  /** HL03 level code → HL03 codes its parent (HL02) may have. Empty when the guide has no HL tree. */
  readonly hlParents: Readonly<Record<string, readonly string[]>>;
  /** Allowed BHT01 / BHT02 values, when the guide has a BHT. */
  readonly bht?: { readonly structure: readonly string[]; readonly purpose: readonly string[] };
}

/** Every segment id a schema mentions. */
export function segmentIds(schema: LoopDef, into = new Set<string>()): Set<string> {
  const visit = (e: Entry) => (e.kind === 'segment' ? into.add(e.id) : e.loop.entries.forEach(visit));
  schema.entries.forEach(visit);
  return into;
}
