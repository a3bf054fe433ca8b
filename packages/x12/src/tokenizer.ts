/**
 * Splits X12 text into segments. Delimiters come from the fixed-width ISA segment:
 * element separator = ISA position 4, repetition separator = ISA11, component
 * separator = ISA16, segment terminator = the character after ISA16.
 * https://x12.org (X12.5 / X12.6 interchange control structure)
 */
export interface Delimiters {
  readonly element: string;
  readonly repetition: string | null;
  readonly component: string;
  readonly segment: string;
}

export interface Segment {
  /** Segment identifier, e.g. 'CLM'. */
  readonly id: string;
  /** elements[i] is element i (X12 numbering); elements[0] is the id. */
  readonly elements: readonly string[];
  /** 0-based index of the segment in the file. */
  readonly index: number;
}

export const ISA_LENGTH = 106;

export type DelimiterResult = { ok: true; delimiters: Delimiters; start: number; warnings: string[] } | { ok: false; reason: string; start: number };

/** Finds the ISA and reads the delimiters from it; tolerates a BOM and leading white space. */
export function readDelimiters(text: string): DelimiterResult {
  let start = 0;
  if (text.charCodeAt(0) === 0xfeff) start = 1;
  else if (text.startsWith('\u00ef\u00bb\u00bf')) start = 3; // a UTF-8 BOM read as Latin-1
  while (start < text.length && /\s/.test(text[start]!)) start++;
  if (text.slice(start, start + 3) !== 'ISA') return { ok: false, reason: 'the file does not start with an ISA segment: not an X12 interchange', start };
  const element = text[start + 3]!;
  if (!element || /[A-Za-z0-9\s]/.test(element)) return { ok: false, reason: 'ISA has no valid element separator at position 4', start };
  // The ISA is fixed-width: 16 elements; count separators to find ISA16 even if a field is the wrong width.
  let pos = start;
  let seps = 0;
  while (seps < 16 && pos < text.length) {
    pos = text.indexOf(element, pos + 1);
    if (pos < 0) break;
    seps++;
  }
  if (seps < 16 || pos < 0) return { ok: false, reason: 'ISA is incomplete: fewer than 16 elements', start };
  const component = text[pos + 1];
  const segment = text[pos + 2];
  if (!component || !segment) return { ok: false, reason: 'ISA is incomplete: no component separator or segment terminator after ISA16', start };
  const warnings: string[] = [];
  if (pos + 3 - start !== ISA_LENGTH) warnings.push(`ISA is ${pos + 3 - start} characters long; it must be exactly ${ISA_LENGTH} (fixed-width fields)`);
  const fields = text.slice(start, pos + 1).split(element);
  const version = fields[12] ?? '';
  const rep = fields[11] ?? '';
  let repetition: string | null = rep;
  if (version === '00501' && /^[A-Za-z0-9]$/.test(rep)) {
    // A common defect: 4010's ISA11 'U' (standards id) kept in a 00501 envelope. Splitting on it would mangle values like "UN".
    warnings.push(`ISA11 is '${rep}', a 4010 value; 00501 uses ISA11 as the repetition separator — ignored`);
    repetition = null;
  }
  return { ok: true, delimiters: { element, repetition, component, segment }, start, warnings };
}

/** Tokenizes the whole text into segments (CR/LF around terminators are ignored). */
export function tokenize(text: string, d: Delimiters, start = 0): Segment[] {
  const out: Segment[] = [];
  let pos = start;
  const len = text.length;
  while (pos < len) {
    let end = text.indexOf(d.segment, pos);
    if (end < 0) end = len;
    let a = pos;
    let b = end;
    while (a < b && isSpace(text.charCodeAt(a))) a++;
    while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
    if (b > a) {
      const raw = text.slice(a, b);
      const elements = raw.split(d.element);
      out.push({ id: elements[0]!, elements, index: out.length });
    }
    pos = end + d.segment.length;
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 10 || c === 13 || c === 32 || c === 9;
}

/** Components of a composite element. */
export function components(value: string, d: Delimiters): string[] {
  return value.split(d.component);
}
