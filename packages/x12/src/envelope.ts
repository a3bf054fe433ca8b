/**
 * The interchange envelope: ISA/IEA, GS/GE and ST/SE, split and checked. Envelope problems
 * are reported with TA1 note codes (ISA/IEA) or 999 AK9/IK5 codes (GS/GE, ST/SE).
 * https://x12.org — X12.5 Interchange Control Structures; 005010X231A1 (999)
 */
import type { Finding } from './finding.ts';
import { readDelimiters, tokenize, type Delimiters, type Segment } from './tokenizer.ts';

export interface RawSet {
  readonly st: Segment;
  readonly se: Segment | null;
  /** ST through SE inclusive (through the last segment before the next envelope segment when SE is missing). */
  readonly segments: Segment[];
  readonly findings: Finding[];
}

export interface RawGroup {
  readonly gs: Segment;
  readonly ge: Segment | null;
  readonly sets: RawSet[];
  readonly findings: Finding[];
}

export interface RawInterchange {
  readonly isa: Segment;
  readonly iea: Segment | null;
  readonly groups: RawGroup[];
  /** TA1 interchange acknowledgments carried in this interchange (between ISA and the first GS, or alone). */
  readonly ta1: Segment[];
  /** TA1-level problems; `code` holds the TA1 note code (e.g. '001'). */
  readonly findings: Finding[];
}

export interface Envelope {
  readonly delimiters: Delimiters | null;
  readonly interchanges: RawInterchange[];
  readonly fatal?: Finding;
  readonly warnings: Finding[];
}

/** ISA element widths (ISA01..ISA16) and the TA1 note code for a bad value in each. */
const ISA_FIELDS: ReadonlyArray<readonly [number, string, string]> = [
  [2, '010', 'authorization information qualifier'], [10, '011', 'authorization information'], [2, '012', 'security information qualifier'],
  [10, '013', 'security information'], [2, '005', 'sender id qualifier'], [15, '006', 'sender id'], [2, '007', 'receiver id qualifier'],
  [15, '008', 'receiver id'], [6, '014', 'date'], [4, '015', 'time'], [1, '016', 'repetition separator / standards id'], [5, '017', 'version'],
  [9, '018', 'control number'], [1, '019', 'acknowledgment requested'], [1, '020', 'usage indicator'], [1, '027', 'component separator'],
];

function envFinding(code: string, message: string, s?: Segment, element?: number): Finding {
  return { severity: 'error', code, message, ...(s ? { segmentId: s.id } : {}), ...(element ? { elementPosition: element } : {}) };
}

function checkIsa(isa: Segment, findings: Finding[]): void {
  for (let i = 1; i <= 16; i++) {
    const [width, code, name] = ISA_FIELDS[i - 1]!;
    const v = isa.elements[i] ?? '';
    if (v.length !== width) findings.push(envFinding(code, `ISA${String(i).padStart(2, '0')} (${name}) is ${v.length} characters; it must be exactly ${width}`, isa, i));
  }
  if (!/^\d{9}$/.test(isa.elements[13] ?? '')) findings.push(envFinding('018', 'ISA13 (interchange control number) must be 9 digits', isa, 13));
  if (!/^[PTI]$/.test(isa.elements[15] ?? '')) findings.push(envFinding('020', `ISA15 usage indicator '${isa.elements[15] ?? ''}' must be P, T or I`, isa, 15));
}

export function splitEnvelope(text: string): Envelope {
  const d = readDelimiters(text);
  if (!d.ok) return { delimiters: null, interchanges: [], fatal: envFinding('024', d.reason), warnings: [] };
  const warnings: Finding[] = d.warnings.map((w) => ({ severity: 'warning', code: 'isa-format', message: w, segmentId: 'ISA' }));
  const segments = tokenize(text, d.delimiters, d.start);
  const interchanges: RawInterchange[] = [];
  let ic: RawInterchange | null = null;
  let grp: RawGroup | null = null;
  let set: RawSet | null = null;
  let fatal: Finding | undefined;

  const endSet = () => {
    if (set && !set.se) set.findings.push({ severity: 'error', code: 'se-missing', message: `transaction set ${set.st.elements[2] ?? ''} has no SE trailer`, segmentId: 'SE', setCode: '2' });
    set = null;
  };
  const endGroup = () => {
    endSet();
    if (grp && !grp.ge) grp.findings.push({ severity: 'error', code: 'ge-missing', message: `functional group ${grp.gs.elements[6] ?? ''} has no GE trailer`, segmentId: 'GE', setCode: '3' });
    grp = null;
  };

  for (const s of segments) {
    switch (s.id) {
      case 'ISA': {
        if (ic) {
          endGroup();
          if (!ic.iea) ic.findings.push(envFinding('023', 'interchange has no IEA trailer before the next ISA', ic.isa));
        }
        ic = { isa: s, iea: null, groups: [], ta1: [], findings: [] };
        interchanges.push(ic);
        checkIsa(s, ic.findings);
        const version = s.elements[12] ?? '';
        if (version === '00401' && !fatal) fatal = envFinding('017', 'X12 4010 (ISA12 00401) is not supported: HIPAA requires 005010 since 2012; send the interchange as 00501', s, 12);
        else if (version !== '00501') ic.findings.push(envFinding('017', `ISA12 version '${version}' is not supported; send 00501`, s, 12));
        break;
      }
      case 'IEA':
        if (!ic) { fatal ??= envFinding('022', 'IEA without ISA', s); break; }
        endGroup();
        (ic as { iea: Segment | null }).iea = s;
        if ((s.elements[2] ?? '') !== (ic.isa.elements[13] ?? '')) ic.findings.push(envFinding('001', `IEA02 '${s.elements[2] ?? ''}' does not match ISA13 '${ic.isa.elements[13] ?? ''}'`, s, 2));
        // Counts are noted (TA1 'E'), not rejected: the groups themselves are complete and each is checked.
        if (Number(s.elements[1]) !== ic.groups.length) ic.findings.push({ ...envFinding('021', `IEA01 says ${s.elements[1] ?? ''} functional groups; the interchange has ${ic.groups.length}`, s, 1), severity: 'warning' });
        break;
      case 'TA1':
        if (ic && !grp) ic.ta1.push(s);
        else if (ic) ic.findings.push(envFinding('024', 'TA1 inside a functional group', s));
        else fatal ??= envFinding('022', 'TA1 before the ISA', s);
        break;
      case 'GS':
        if (!ic) { fatal ??= envFinding('022', 'GS outside an interchange', s); break; }
        endGroup();
        grp = { gs: s, ge: null, sets: [], findings: [] };
        ic.groups.push(grp);
        if ((s.elements[8] ?? '').startsWith('004010') && !fatal) fatal = envFinding('017', `GS08 '${s.elements[8]}' is X12 4010, which is not supported; send 005010`, s, 8);
        break;
      case 'GE':
        if (!grp) { if (ic) ic.findings.push(envFinding('024', 'GE without GS', s)); break; }
        endSet();
        (grp as { ge: Segment | null }).ge = s;
        if ((s.elements[2] ?? '') !== (grp.gs.elements[6] ?? '')) grp.findings.push({ severity: 'error', code: 'ge-control', message: `GE02 '${s.elements[2] ?? ''}' does not match GS06 '${grp.gs.elements[6] ?? ''}'`, segmentId: 'GE', setCode: '4' });
        if (Number(s.elements[1]) !== grp.sets.length) grp.findings.push({ severity: 'warning', code: 'ge-count', message: `GE01 says ${s.elements[1] ?? ''} transaction sets; the group has ${grp.sets.length}`, segmentId: 'GE', setCode: '5' });
        grp = null;
        break;
      case 'ST':
        if (!grp) { if (ic) ic.findings.push(envFinding('024', 'ST outside a functional group (GS missing)', s)); break; }
        endSet();
        set = { st: s, se: null, segments: [s], findings: [] };
        grp.sets.push(set);
        break;
      case 'SE': {
        if (!set) { if (grp) grp.findings.push({ severity: 'error', code: 'se-orphan', message: 'SE without ST', segmentId: 'SE', setCode: '2' }); break; }
        const cur: RawSet = set;
        cur.segments.push(s);
        (cur as { se: Segment | null }).se = s;
        if ((s.elements[2] ?? '') !== (cur.st.elements[2] ?? ''))
          cur.findings.push({ severity: 'error', code: 'se-control', message: `SE02 '${s.elements[2] ?? ''}' does not match ST02 '${cur.st.elements[2] ?? ''}'`, segmentId: 'SE', elementPosition: 2, setCode: '3' });
        const actual = cur.segments.length;
        if (Number(s.elements[1]) !== actual)
          // Noted, not rejected: the count carries no claim data, and widely used public samples get it wrong.
          cur.findings.push({ severity: 'warning', code: 'se-count', message: `SE01 says ${s.elements[1] ?? ''} segments; the transaction set has ${actual}`, segmentId: 'SE', elementPosition: 1, segmentPosition: actual, setCode: '4' });
        set = null;
        break;
      }
      default:
        if (set) set.segments.push(s);
        else if (ic) ic.findings.push(envFinding('024', `segment ${s.id} outside a transaction set`, s));
        else fatal ??= envFinding('022', `segment ${s.id} before the ISA`, s);
    }
  }
  const last = ic as RawInterchange | null;
  if (last) {
    endGroup();
    if (!last.iea) last.findings.push(envFinding('023', 'the file ends before the IEA trailer', last.isa));
  }
  return { delimiters: d.delimiters, interchanges, ...(fatal ? { fatal } : {}), warnings };
}
