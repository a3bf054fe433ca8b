/**
 * Minimum and maximum lengths of simple data elements (SNIP 2), from the X12 005010 data
 * element dictionary as the HIPAA implementation guides use them, for the segments these
 * guides share. Index = element position; composites are not length-checked here (their
 * components are read by the typed views). A length problem is a 999 IK4 4 (too short) or 5
 * (too long).
 */
type Len = readonly [number, number] | null;
const L = (min: number, max: number): Len => [min, max];
const _ = null;

export const ELEMENT_LENGTHS: Readonly<Record<string, readonly Len[]>> = {
  // id, 01, 02, …
  NM1: [_, L(2, 3), L(1, 1), L(1, 60), L(1, 35), L(1, 25), L(1, 10), L(1, 10), L(1, 2), L(2, 80), L(2, 2), L(2, 3), L(1, 60)],
  N1: [_, L(2, 3), L(1, 60), L(1, 2), L(2, 80)],
  N3: [_, L(1, 55), L(1, 55)],
  N4: [_, L(2, 30), L(2, 2), L(3, 15), L(2, 3), L(1, 2), L(1, 30), L(1, 3)],
  REF: [_, L(2, 3), L(1, 50), L(1, 80)],
  PER: [_, L(2, 2), L(1, 60), L(2, 2), L(1, 256), L(2, 2), L(1, 256), L(2, 2), L(1, 256)],
  DTP: [_, L(3, 3), L(2, 3), L(1, 35)],
  DTM: [_, L(3, 3), L(8, 8), L(4, 8)],
  DMG: [_, L(2, 3), L(1, 35), L(1, 1)],
  HL: [_, L(1, 12), L(1, 12), L(1, 2), L(1, 1)],
  BHT: [_, L(4, 4), L(2, 2), L(1, 50), L(8, 8), L(4, 8), L(2, 2)],
  SBR: [_, L(1, 1), L(2, 2), L(1, 50), L(1, 60), L(1, 3), _, _, _, L(1, 2)],
  PAT: [_, L(2, 2)],
  CLM: [_, L(1, 38), L(1, 18), _, _, _, L(1, 1), L(1, 1), L(1, 1), L(1, 1)],
  LX: [_, L(1, 6)],
  TRN: [_, L(1, 2), L(1, 50), L(10, 10), L(1, 50)],
  CLP: [_, L(1, 38), L(1, 2), L(1, 18), L(1, 18), L(1, 18), L(1, 2), L(1, 50), L(1, 2), L(1, 1)],
  CAS: [_, L(1, 2), L(1, 5), L(1, 18), L(1, 15), L(1, 5), L(1, 18), L(1, 15), L(1, 5), L(1, 18), L(1, 15)],
  BPR: [_, L(1, 2), L(1, 18), L(1, 1), L(3, 3)],
  EQ: [_, L(1, 2)],
  INS: [_, L(1, 1), L(2, 2), L(3, 3), L(2, 3), L(1, 1)],
  HD: [_, L(3, 3), _, L(2, 3), L(1, 50), L(3, 3)],
  HCR: [_, L(1, 2), L(1, 50), L(1, 2)],
  UM: [_, L(1, 2), L(1, 1), L(1, 2)],
  ST: [_, L(3, 3), L(4, 9), L(1, 35)],
  SE: [_, L(1, 10), L(4, 9)],
  AK2: [_, L(3, 3), L(4, 9), L(1, 35)],
};
