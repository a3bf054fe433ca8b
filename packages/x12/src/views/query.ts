/** Small helpers to read a loop tree by loop id, segment id and qualifier. */
import type { LoopNode } from '../loop-walker.ts';
import { centsFromX12 } from '../money.ts';
import type { Delimiters, Segment } from '../tokenizer.ts';

export const el = (s: Segment | undefined, i: number): string => s?.elements[i] ?? '';
/** The first segment `id` directly in the loop, optionally with element q[0] equal to q[1]. */
export const seg = (n: LoopNode | undefined, id: string, q?: readonly [number, string]): Segment | undefined =>
  n?.segments.find((s) => s.id === id && (!q || s.elements[q[0]] === q[1]));
export const segs = (n: LoopNode | undefined, id: string): Segment[] => n?.segments.filter((s) => s.id === id) ?? [];
export const kid = (n: LoopNode | undefined, ...ids: string[]): LoopNode | undefined => n?.children.find((c) => ids.includes(c.def.id));
export const kids = (n: LoopNode | undefined, ...ids: string[]): LoopNode[] => n?.children.filter((c) => ids.includes(c.def.id)) ?? [];
export const opt = <K extends string, V>(k: K, v: V | undefined | null | ''): { [P in K]?: V } => (v === undefined || v === null || v === '' ? {} : ({ [k]: v } as { [P in K]: V }));
export const cents = (s: Segment | undefined, i: number): number | undefined => (el(s, i) === '' ? undefined : (centsFromX12(el(s, i)) ?? undefined));

/** CCYYMMDD → YYYY-MM-DD; CCYYMMDD-CCYYMMDD → { from, to }. */
export function dates(s: Segment | undefined, format = 2, value = 3): { from: string; to: string } | undefined {
  const v = el(s, value);
  if (!v) return undefined;
  const iso = (x: string) => (x.length >= 8 ? `${x.slice(0, 4)}-${x.slice(4, 6)}-${x.slice(6, 8)}` : x);
  const [a = '', b = a] = el(s, format) === 'RD8' ? v.split('-') : [v, v];
  return { from: iso(a), to: iso(b) };
}

export interface Party {
  entity: string;
  name: string;
  firstName?: string;
  idQualifier?: string;
  id?: string;
}

/** An NM1 (or N1) as a party. */
export function party(s: Segment | undefined): Party {
  if (s?.id === 'N1') return { entity: el(s, 1), name: el(s, 2), ...opt('idQualifier', el(s, 3)), ...opt('id', el(s, 4)) };
  return { entity: el(s, 1), name: el(s, 3), ...opt('firstName', el(s, 4)), ...opt('idQualifier', el(s, 8)), ...opt('id', el(s, 9)) };
}

export interface Person extends Party {
  dateOfBirth?: string;
  gender?: string;
}

/** A person loop: its NM1 with the DMG beside it. */
export function person(n: LoopNode | undefined): Person {
  const dmg = seg(n, 'DMG');
  return { ...party(n?.segments[0]), ...opt('dateOfBirth', dates(dmg, 1, 2)?.from), ...opt('gender', el(dmg, 3)) };
}

export function split(v: string, d: Delimiters, by: 'component' | 'repetition'): string[] {
  const sep = by === 'component' ? d.component : d.repetition;
  return v === '' ? [] : sep ? v.split(sep) : [v];
}

/** A procedure composite (SV101, SVC01, SV202 …): qualifier, code and modifiers. */
export function procedure(v: string, d: Delimiters): { qualifier: string; code: string; modifiers: string[] } | undefined {
  const [qualifier = '', code = '', ...mods] = split(v, d, 'component');
  return code ? { qualifier, code, modifiers: mods.slice(0, 4).filter(Boolean) } : undefined;
}
