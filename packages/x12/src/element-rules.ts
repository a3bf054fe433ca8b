/**
 * Element-level checks (SNIP 2) for the segments Tandem interprets: required elements,
 * code values, dates, numbers and composites. Each problem becomes a 999 IK4.
 * Code lists follow the 005010 implementation guides; guide-specific ones (BHT, HL levels,
 * CLM05-2) come from the guide.
 */
import type { Finding } from './finding.ts';
import type { Guide } from './guides/guide.ts';
import { ELEMENT_LENGTHS } from './element-lengths.ts';
import { isDecimal } from './money.ts';
import type { Delimiters, Segment } from './tokenizer.ts';

export function isDate8(v: string): boolean {
  if (!/^\d{8}$/.test(v)) return false;
  const y = Number(v.slice(0, 4));
  const m = Number(v.slice(4, 6));
  const d = Number(v.slice(6, 8));
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

const NM108 = ['24', '34', '46', 'XX', 'MI', 'II', 'PI', 'XV', 'FI', 'SV', 'ZZ'];
const SBR01 = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'P', 'S', 'T', 'U'];
/** Amount elements by segment (decimal numbers; SNIP 2). */
const AMOUNTS: Readonly<Record<string, readonly number[]>> = {
  BPR: [2], CLP: [3, 4, 5], SVC: [2, 3], CAS: [3, 6, 9, 12, 15, 18], PLB: [4, 6, 8, 10, 12, 14], AMT: [2], RMR: [4, 5, 6], ADX: [1], EB: [7], TS3: [5],
};
const E_1 = [1];
const E_1_2 = [1, 2];
const E_1_3 = [1, 3];
const E_1_2_3 = [1, 2, 3];
const E_1_2_4 = [1, 2, 4];
const E_1_2_5 = [1, 2, 5];
const E_1_2_3_4 = [1, 2, 3, 4];
const E_1_3_4_5 = [1, 3, 4, 5];
const ENTITY_TYPES = ['1', '2'];
const ZERO_ONE = ['0', '1'];
const D8_ONLY = ['D8'];
const GENDERS = ['F', 'M', 'U'];
const DATE_FORMATS = ['D8', 'RD8', 'DT', 'TM', 'RDT'];
const SV1_UNITS = ['UN', 'MJ'];
const SV2_UNITS = ['UN', 'DA'];
const NO_AMOUNTS: readonly number[] = [];
const HL_LEVELS = new WeakMap<Guide, readonly string[]>();

/** HL03 codes a guide knows (levels and their parents), computed once per guide. */
function hlLevels(guide: Guide): readonly string[] {
  let v = HL_LEVELS.get(guide);
  if (!v) HL_LEVELS.set(guide, (v = [...new Set([...Object.keys(guide.hlParents), ...Object.values(guide.hlParents).flat()])]));
  return v;
}

const SV101_QUALIFIERS = ['HC', 'ER', 'IV', 'WK'];
const HI_QUALIFIERS = new Set([
  'ABK', 'ABF', 'ABJ', 'ABN', 'APR', 'ABU', 'BK', 'BF', 'BJ', 'BN', 'PR', 'BR', 'BBR', 'BQ', 'BBQ', 'BP', 'BO', 'DR', 'BI', 'BH', 'BE', 'BG', 'TC', 'CAH',
]);

export class ElementChecker {
  readonly findings: Finding[] = [];
  constructor(private d: Delimiters, private readonly position: (s: Segment) => number) {}

  /** The streaming reader learns the component separator actually used at the first CLM. */
  useDelimiters(d: Delimiters): void {
    this.d = d;
  }

  private add(s: Segment, loop: string, element: number, ik4: string, message: string, component?: number, severity: 'error' | 'warning' = 'error'): void {
    this.findings.push({
      severity, code: `element-${ik4}`, message: `${s.id}${String(element).padStart(2, '0')}${component ? `-${component}` : ''}: ${message}`,
      segmentId: s.id, segmentPosition: this.position(s), loop, elementPosition: element, ...(component ? { componentPosition: component } : {}),
      ik3Code: '8', ik4Code: ik4, badValue: (s.elements[element] ?? '').slice(0, 99),
    });
  }

  // Element lists are module constants: this runs for every segment, and literals would allocate each time.
  required(s: Segment, loop: string, elements: readonly number[]): boolean {
    let ok = true;
    for (const e of elements)
      if ((s.elements[e] ?? '') === '') {
        this.add(s, loop, e, '1', 'required data element is missing');
        ok = false;
      }
    return ok;
  }

  code(s: Segment, loop: string, element: number, allowed: readonly string[]): void {
    const v = s.elements[element] ?? '';
    if (v !== '' && !allowed.includes(v)) this.add(s, loop, element, '7', `invalid code value '${v}' (expected ${allowed.join(', ')})`);
  }

  decimal(s: Segment, loop: string, element: number): void {
    const v = s.elements[element] ?? '';
    if (v !== '' && !isDecimal(v)) this.add(s, loop, element, '6', `'${v}' is not a decimal number`);
  }

  date(s: Segment, loop: string, formatElement: number, valueElement: number): void {
    const fmt = s.elements[formatElement] ?? '';
    const v = s.elements[valueElement] ?? '';
    if (fmt === 'D8' && !isDate8(v)) this.add(s, loop, valueElement, '8', `'${v}' is not a valid CCYYMMDD date`);
    else if (fmt === 'RD8') {
      const [a = '', b = ''] = v.split('-');
      if (isDate8(a) && b === '') this.add(s, loop, valueElement, '8', `RD8 '${v}' is a single date; a range is CCYYMMDD-CCYYMMDD`, undefined, 'warning');
      else if (!isDate8(a) || !isDate8(b)) this.add(s, loop, valueElement, '8', `'${v}' is not a valid CCYYMMDD-CCYYMMDD range`);
      else if (a > b) this.add(s, loop, valueElement, '8', `range '${v}' ends before it starts`);
    } else if (fmt === 'DT' && !(v.length === 12 && isDate8(v.slice(0, 8)))) this.add(s, loop, valueElement, '8', `'${v}' is not a valid CCYYMMDDHHMM date-time`);
  }

  /** Checks one segment in its loop. */
  check(s: Segment, loop: string, guide: Guide | null): void {
    const c = this.d.component;
    // X12 syntax: a segment must not end with empty elements (trailing separators).
    if (s.elements.length > 1 && s.elements[s.elements.length - 1] === '')
      this.add(s, loop, s.elements.length - 1, '3', 'segment ends with empty data elements (trailing separators are not allowed)', undefined, 'warning');
    switch (s.id) {
      case 'BHT':
        this.required(s, loop, E_1_2_4);
        if (guide?.bht) {
          this.code(s, loop, 1, guide.bht.structure);
          this.code(s, loop, 2, guide.bht.purpose);
        }
        if (s.elements[4] && !isDate8(s.elements[4])) this.add(s, loop, 4, '8', `'${s.elements[4]}' is not a valid CCYYMMDD date`);
        break;
      case 'NM1':
        if (this.required(s, loop, E_1_2)) this.code(s, loop, 2, ENTITY_TYPES);
        if (guide?.transaction === '837' && (s.elements[8] ?? '') !== '' && !NM108.includes(s.elements[8]!)) this.add(s, loop, 8, '7', `invalid code value '${s.elements[8]}' (expected ${NM108.join(', ')})`, undefined, 'warning');
        if ((s.elements[8] ?? '') !== '' && (s.elements[9] ?? '') === '') this.add(s, loop, 9, '2', 'identification code is required when NM108 is present');
        // An NPI is 10 digits (45 CFR 162.406); the check digit is the payer's business (SNIP 7), not a syntax error.
        else if (s.elements[8] === 'XX' && !/^\d{10}$/.test(s.elements[9] ?? '')) this.add(s, loop, 9, (s.elements[9] ?? '').length < 10 ? '4' : '5', `NPI '${s.elements[9]}' must be 10 digits`, undefined, 'warning');
        break;
      case 'HL':
        this.required(s, loop, E_1_3);
        if (guide) this.code(s, loop, 3, hlLevels(guide));
        this.code(s, loop, 4, ZERO_ONE);
        break;
      case 'SBR':
        this.required(s, loop, E_1);
        this.code(s, loop, 1, SBR01);
        break;
      case 'DMG':
        if (this.required(s, loop, E_1_2)) {
          this.code(s, loop, 1, D8_ONLY);
          this.date(s, loop, 1, 2);
        }
        this.code(s, loop, 3, GENDERS);
        break;
      case 'CLM': {
        if (!this.required(s, loop, E_1_2_5)) break;
        this.decimal(s, loop, 2);
        const [fac = '', qual = '', freq = ''] = (s.elements[5] ?? '').split(c);
        if (fac === '') this.add(s, loop, 5, '1', 'facility code value is missing', 1);
        if (guide?.transaction === '837') {
          const want = guide.key === '837I' ? 'A' : 'B';
          // Noted, not rejected: the guide fixes the value, so nothing is lost, and public samples often get it wrong.
          if (qual !== want) this.add(s, loop, 5, qual === '' ? '1' : '7', `facility code qualifier '${qual}' should be '${want}'`, 2, 'warning');
        }
        if (freq === '') this.add(s, loop, 5, '1', 'claim frequency type code is missing', 3);
        break;
      }
      case 'DTP':
        if (this.required(s, loop, E_1_2_3)) {
          this.code(s, loop, 2, DATE_FORMATS);
          this.date(s, loop, 2, 3);
        }
        break;
      case 'BPR':
        // BPR16: the check issue or EFT effective date.
        if ((s.elements[16] ?? '') !== '' && !isDate8(s.elements[16]!)) this.add(s, loop, 16, '8', `'${s.elements[16]}' is not a valid CCYYMMDD date`);
        break;
      case 'DTM':
        if (this.required(s, loop, E_1) && (s.elements[2] ?? '') !== '' && !isDate8(s.elements[2]!)) this.add(s, loop, 2, '8', `'${s.elements[2]}' is not a valid CCYYMMDD date`);
        break;
      case 'LX':
        if (this.required(s, loop, E_1) && !/^\d{1,6}$/.test(s.elements[1]!)) this.add(s, loop, 1, '6', 'line number must be a whole number');
        break;
      case 'SV1': {
        if (guide?.transaction !== '837') break;
        if (!this.required(s, loop, E_1_2_3_4)) break;
        const [q = '', code = ''] = (s.elements[1] ?? '').split(c);
        if (!SV101_QUALIFIERS.includes(q)) this.add(s, loop, 1, q === '' ? '1' : '7', `product/service id qualifier '${q}' (expected ${SV101_QUALIFIERS.join(', ')})`, 1);
        if (code === '') this.add(s, loop, 1, '1', 'procedure code is missing', 2);
        this.decimal(s, loop, 2);
        this.code(s, loop, 3, SV1_UNITS);
        this.decimal(s, loop, 4);
        break;
      }
      case 'SV2':
        if (guide?.transaction !== '837') break;
        if (!this.required(s, loop, E_1_3_4_5)) break;
        if (!/^\d{4}$/.test(s.elements[1]!)) this.add(s, loop, 1, '7', `'${s.elements[1]}' is not a 4-digit revenue code`);
        this.decimal(s, loop, 3);
        this.code(s, loop, 4, SV2_UNITS);
        this.decimal(s, loop, 5);
        break;
      case 'PRV':
        // NUCC taxonomy codes are exactly 10 characters.
        if ((s.elements[3] ?? '') !== '' && !/^[0-9A-Z]{10}$/.test(s.elements[3]!)) this.add(s, loop, 3, (s.elements[3] ?? '').length < 10 ? '4' : '7', `'${s.elements[3]}' is not a 10-character provider taxonomy code`, undefined, 'warning');
        break;
      case 'HI':
        if (guide?.transaction !== '837' && guide?.transaction !== '278') break;
        for (let i = 1; i < s.elements.length; i++) {
          const v = s.elements[i] ?? '';
          if (v === '') continue;
          const q = v.split(c)[0]!;
          if (!HI_QUALIFIERS.has(q) && !(v.indexOf(c) < 0 && i > 1 && HI_QUALIFIERS.has((s.elements[i - 1] ?? '').split(c)[0]!)))
            this.add(s, loop, i, '7', `code list qualifier '${q}' is not valid for health care codes`, 1);
        }
        break;
      default:
    }
    for (const e of AMOUNTS[s.id] ?? NO_AMOUNTS) this.decimal(s, loop, e);
    const lengths = ELEMENT_LENGTHS[s.id];
    if (lengths) {
      const els = s.elements;
      const rep = this.d.repetition;
      for (let i = 1; i < els.length && i < lengths.length; i++) {
        const len = lengths[i];
        const v = els[i]!;
        // Length first (almost always within range); composites and repeats are skipped only then.
        if (!len || v === '' || (v.length >= len[0] && v.length <= len[1])) continue;
        if (v.includes(this.d.component) || (rep !== null && v.includes(rep))) continue;
        if (v.length < len[0]) this.add(s, loop, i, '4', `'${v}' is shorter than the minimum length ${len[0]}`);
        else if (v.length > len[1]) this.add(s, loop, i, '5', `'${v.slice(0, 40)}${v.length > 40 ? '…' : ''}' is longer than the maximum length ${len[1]}`);
      }
    }
  }
}
