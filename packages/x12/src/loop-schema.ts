/**
 * Implementation-guide loop structure as data: each loop is an ordered list of segment
 * and child-loop entries with maximum use and requirement, and a trigger (its first
 * segment, qualified where the same segment starts different loops, e.g. NM1 by NM101,
 * HL by HL03).
 */
export interface Qualifier {
  readonly element: number;
  readonly values: readonly string[];
}

export interface SegmentEntry {
  readonly kind: 'segment';
  readonly id: string;
  readonly max: number;
  readonly required: boolean;
  readonly q?: Qualifier;
}

export interface LoopEntry {
  readonly kind: 'loop';
  readonly loop: LoopDef;
  readonly max: number;
  readonly required: boolean;
}

export type Entry = SegmentEntry | LoopEntry;

export interface LoopDef {
  readonly id: string;
  readonly name: string;
  /** entries[0] is the trigger segment. */
  readonly entries: readonly Entry[];
}

const BIG = 99_999;

/** A segment entry: `seg('N3')`, `seg('REF', 3)`, `seg('DTP', 1, true, 1, ['472'])`. */
export function seg(id: string, max = 1, required = false, qualifierElement?: number, values?: readonly string[]): SegmentEntry {
  return { kind: 'segment', id, max, required, ...(qualifierElement ? { q: { element: qualifierElement, values: values ?? [] } } : {}) };
}

export function loop(id: string, name: string, trigger: SegmentEntry, rest: readonly Entry[]): LoopDef {
  return { id, name, entries: [{ ...trigger, required: true, max: 1 }, ...rest] };
}

export function child(def: LoopDef, max = BIG, required = false): LoopEntry {
  return { kind: 'loop', loop: def, max, required };
}

export const MANY = BIG;
