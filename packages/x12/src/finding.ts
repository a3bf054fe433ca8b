/**
 * A problem found in an X12 file, positioned the way a 999 reports it (005010X231A1:
 * IK3 segment context, IK4 element context). Errors reject the transaction set; warnings
 * are "noted" (IK5/AK9 code E) and the set is still accepted.
 */
export interface Finding {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  /** Position of the segment in its transaction set, ST = 1 (IK302). */
  segmentPosition?: number;
  segmentId?: string;
  /** Loop identifier, e.g. '2300' (IK303). */
  loop?: string;
  /** Element position in the segment (IK401-1). */
  elementPosition?: number;
  componentPosition?: number;
  /** Data element reference number (IK402). */
  elementRef?: string;
  /** IK304 segment syntax error code: 1 unrecognized, 2 unexpected, 3 required missing, 4 loop over max, 5 segment over max, 7 out of sequence, 8 has element errors. */
  ik3Code?: string;
  /** IK403 element syntax error code: 1 required missing, 2 conditional missing, 3 too many, 4 too short, 5 too long, 6 invalid character, 7 invalid code, 8 invalid date, 9 invalid time, I12 pattern match failure. */
  ik4Code?: string;
  badValue?: string;
  /** IK502 / AK905-style transaction-level code when the finding is about the whole set (e.g. '4' segment count). */
  setCode?: string;
}

export function isError(f: Finding): boolean {
  return f.severity === 'error';
}
