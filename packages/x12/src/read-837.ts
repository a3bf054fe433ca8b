/**
 * Reads 837P/837I interchanges into typed claims, with every finding a 999 needs.
 * Never throws on input. Loops are resolved by position and qualifier through the
 * implementation-guide schema; the HL tree is checked from HL01/HL02.
 * https://x12.org — 005010X222A1, 005010X223A2
 */
import { ElementChecker } from './element-rules.ts';
import { splitEnvelope, type RawSet } from './envelope.ts';
import type { Finding } from './finding.ts';
import type { LoopNode } from './loop-walker.ts';
import { walkLoops } from './loop-walker.ts';
import { centsFromX12 } from './money.ts';
import type { Address, Claim837, Claim837Line, Read837Result, TransactionSet837 } from './model-837.ts';
import { KNOWN_837_SEGMENTS, SCHEMA_837I, SCHEMA_837P } from './schema-837.ts';
import type { Delimiters, Segment } from './tokenizer.ts';

/** CCYYMMDD → YYYY-MM-DD. */
export function isoDate(v: string | undefined): string {
  return v && v.length >= 8 ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : '';
}

function kindOf(guide: string): TransactionSet837['kind'] {
  if (guide.startsWith('005010X222')) return 'professional';
  if (guide.startsWith('005010X223')) return 'institutional';
  if (guide.startsWith('005010X224')) return 'dental';
  return 'unknown';
}

const el = (s: Segment | undefined, i: number): string => s?.elements[i] ?? '';
const find = (n: LoopNode, id: string, q?: [number, string]) => n.segments.find((s) => s.id === id && (!q || s.elements[q[0]] === q[1]));
const kids = (n: LoopNode, id: string) => n.children.filter((c) => c.def.id === id);
const kid = (n: LoopNode, ...ids: string[]) => n.children.find((c) => ids.includes(c.def.id));

function address(n: LoopNode | undefined): Address | undefined {
  if (!n) return undefined;
  const n3 = find(n, 'N3');
  const n4 = find(n, 'N4');
  if (!n3 && !n4) return undefined;
  return {
    line1: el(n3, 1), ...(el(n3, 2) ? { line2: el(n3, 2) } : {}), city: el(n4, 1),
    ...(el(n4, 2) ? { state: el(n4, 2) } : {}), ...(el(n4, 3) ? { postalCode: el(n4, 3) } : {}),
  };
}

function gender(v: string): 'M' | 'F' | 'U' | undefined {
  return v === 'M' || v === 'F' || v === 'U' ? v : undefined;
}

/** HL integrity: unique ids that are referenced, parents that exist and sit one level up. */
function checkHl(root: LoopNode, position: (s: Segment) => number): Finding[] {
  const out: Finding[] = [];
  const hls: Segment[] = [];
  const visit = (n: LoopNode) => {
    if (n.segments[0]?.id === 'HL') hls.push(n.segments[0]);
    n.children.forEach(visit);
  };
  visit(root);
  const byId = new Map<string, Segment[]>();
  for (const h of hls) byId.set(el(h, 1), [...(byId.get(el(h, 1)) ?? []), h]);
  const level: Record<string, string> = { '22': '20', '23': '22' };
  for (const h of hls) {
    const parent = el(h, 2);
    const at = { segmentId: 'HL', segmentPosition: position(h), loop: el(h, 3) === '20' ? '2000A' : el(h, 3) === '22' ? '2000B' : '2000C' };
    if (el(h, 3) === '20') continue;
    const earlier = (byId.get(parent) ?? []).filter((p) => p.index < h.index);
    if (earlier.length > 1)
      // Two earlier HLs carry this id, so HL02 cannot name the parent; the parent is taken from
      // position (the nearest one). Noted rather than rejected: public samples reuse HL ids.
      out.push({ severity: 'warning', code: 'hl-ambiguous-parent', message: `HL02 '${parent}' is ambiguous: ${earlier.length} earlier HL segments have HL01 '${parent}'`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '7', badValue: parent });
    else if (earlier.length === 0)
      out.push({ severity: 'warning', code: 'hl-parent-missing', message: `HL02 '${parent}' names no earlier HL; the parent was taken from position`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '7', badValue: parent });
    else if (el(earlier[0], 3) !== level[el(h, 3)])
      out.push({ severity: 'error', code: 'hl-level', message: `HL ${el(h, 1)} (level ${el(h, 3)}) has parent HL ${parent} at level ${el(earlier[0], 3)}; expected level ${level[el(h, 3)]}`, ...at, elementPosition: 2, ik3Code: '8', ik4Code: '7', badValue: parent });
  }
  return out;
}

interface ClaimContext {
  readonly setControl: string;
  readonly kind: 'professional' | 'institutional';
  readonly d: Delimiters;
  readonly submitter: Claim837['submitter'];
  readonly receiver: Claim837['receiver'];
  readonly billing: Claim837['billingProvider'];
  readonly payTo: Claim837['payToProvider'] | undefined;
  readonly subscriber: Claim837['subscriber'];
  readonly payer: Claim837['payer'];
  readonly patient: Claim837['patient'] | undefined;
  readonly position: (s: Segment) => number;
  readonly findings: Finding[];
}

function readDiagnoses(his: Segment[], d: Delimiters, c: ClaimContext, loop: string): Claim837['diagnoses'] {
  const out: Claim837['diagnoses'] = [];
  for (const hi of his) {
    for (let i = 1; i < hi.elements.length; i++) {
      const v = hi.elements[i]!;
      if (v === '') continue;
      const parts = v.split(d.component);
      if (parts.length >= 2) {
        out.push({ qualifier: parts[0]!, code: parts[1]! });
      } else if (i + 1 < hi.elements.length && (hi.elements[i + 1] ?? '').indexOf(d.component) < 0 && hi.elements[i + 1] !== '') {
        // "HI*BK*8901": qualifier and code sent as two elements instead of one composite.
        c.findings.push({ severity: 'warning', code: 'hi-not-composite', message: `HI${String(i).padStart(2, '0')} sends qualifier '${v}' and code '${hi.elements[i + 1]}' as separate elements; they belong in one composite (${v}${d.component}${hi.elements[i + 1]})`, segmentId: 'HI', segmentPosition: c.position(hi), loop, elementPosition: i, ik3Code: '8', ik4Code: '7', badValue: v });
        out.push({ qualifier: v, code: hi.elements[i + 1]! });
        i++;
      }
    }
  }
  return out;
}

function readLine(n: LoopNode, c: ClaimContext, claimDates: { from: string; to: string }): Claim837Line {
  const lx = n.segments[0]!;
  const sv = find(n, c.kind === 'professional' ? 'SV1' : 'SV2');
  const dtp = find(n, 'DTP', [1, '472']);
  let from = claimDates.from;
  let to = claimDates.to;
  if (dtp) {
    const [a = '', b = a] = el(dtp, 3).split('-');
    from = isoDate(a);
    to = isoDate(b);
  } else if (c.kind === 'professional' && sv) {
    c.findings.push({ severity: 'error', code: 'required-missing', message: 'required segment DTP*472 (service date) is missing in loop 2400', segmentId: 'DTP', segmentPosition: c.position(lx), loop: '2400', ik3Code: '3' });
  }
  const ref6r = find(n, 'REF', [1, '6R']);
  const procComposite = c.kind === 'professional' ? el(sv, 1) : el(sv, 2);
  const parts = procComposite ? procComposite.split(c.d.component) : [];
  const charge = el(sv, c.kind === 'professional' ? 2 : 3);
  return {
    lineNumber: Number(el(lx, 1)) || 0,
    ...(parts.length >= 2 ? { procedure: { qualifier: parts[0]!, code: parts[1]!, modifiers: parts.slice(2, 6).filter(Boolean) } } : {}),
    ...(c.kind === 'institutional' && el(sv, 1) ? { revenueCode: el(sv, 1) } : {}),
    chargeCents: centsFromX12(charge) ?? 0,
    unitType: el(sv, c.kind === 'professional' ? 3 : 4),
    units: el(sv, c.kind === 'professional' ? 4 : 5) || '1',
    ...(c.kind === 'professional' && el(sv, 5) ? { placeOfService: el(sv, 5) } : {}),
    diagnosisPointers: c.kind === 'professional' ? el(sv, 7).split(c.d.component).filter(Boolean).map(Number) : [],
    serviceDateFrom: from,
    serviceDateTo: to,
    ...(ref6r ? { lineControlNumber: el(ref6r, 2) } : {}),
  };
}

function provider(n: LoopNode | undefined) {
  if (!n) return undefined;
  const nm1 = n.segments[0]!;
  const prv = find(n, 'PRV');
  return { npi: el(nm1, 8) === 'XX' ? el(nm1, 9) || null : null, ...(el(nm1, 3) ? { lastName: el(nm1, 3) } : {}), ...(el(nm1, 4) ? { firstName: el(nm1, 4) } : {}), ...(el(prv, 3) ? { taxonomy: el(prv, 3) } : {}) };
}

function readClaim(n: LoopNode, c: ClaimContext): Claim837 {
  const clm = n.segments[0]!;
  const [fac = '', qual = '', freq = ''] = el(clm, 5).split(c.d.component);
  const stmt = find(n, 'DTP', [1, '434']);
  const [sFrom = '', sTo = sFrom] = el(stmt, 3).split('-');
  const claimDtp472 = find(n, 'DTP', [1, '472']);
  const [cFrom = '', cTo = cFrom] = el(claimDtp472, 3).split('-');
  const dates = { from: isoDate(sFrom || cFrom), to: isoDate(sTo || cTo) };
  const adm = find(n, 'DTP', [1, '435']);
  const f8 = find(n, 'REF', [1, 'F8']);
  const diagnoses = readDiagnoses(n.segments.filter((s) => s.id === 'HI'), c.d, c, '2300');
  const rendering = provider(kid(n, c.kind === 'professional' ? '2310B' : '2310D'));
  const attending = c.kind === 'institutional' ? provider(kid(n, '2310A')) : undefined;
  const lines = kids(n, '2400').map((l) => readLine(l, c, dates));
  const total = centsFromX12(el(clm, 2)) ?? 0;
  const sum = lines.reduce((s, l) => s + l.chargeCents, 0);
  if (lines.length > 0 && sum !== total)
    // SNIP 3 balancing. Noted in the 999 rather than rejected: adjudication prices the lines, and
    // widely used public samples carry unbalanced CLM02 values.
    c.findings.push({ severity: 'warning', code: 'claim-unbalanced', message: `CLM02 ${el(clm, 2)} does not equal the sum of line charges ${(sum / 100).toFixed(2)}`, segmentId: 'CLM', segmentPosition: c.position(clm), loop: '2300', elementPosition: 2, elementRef: '782', ik3Code: '8', ik4Code: 'I12', badValue: el(clm, 2) });
  return {
    submitter: c.submitter, receiver: c.receiver, billingProvider: c.billing, ...(c.payTo ? { payToProvider: c.payTo } : {}),
    subscriber: c.subscriber, ...(c.patient ? { patient: c.patient } : {}), payer: c.payer,
    patientControlNumber: el(clm, 1), totalChargeCents: total, facilityCode: fac, facilityCodeQualifier: qual, frequencyCode: freq,
    ...(f8 ? { payerClaimControlNumber: el(f8, 2) } : {}),
    ...(c.kind === 'institutional' ? { typeOfBill: `${fac}${freq}` } : {}),
    ...(stmt ? { statementFrom: isoDate(sFrom), statementTo: isoDate(sTo) } : {}),
    ...(adm ? { admissionDate: isoDate(el(adm, 3).slice(0, 8)) } : {}),
    diagnoses,
    ...(rendering ? { renderingProvider: rendering } : {}),
    ...(attending ? { attendingProvider: attending } : {}),
    lines,
    position: { transactionSetControlNumber: c.setControl, clmSegmentPosition: c.position(clm) },
  };
}

function extractClaims(root: LoopNode, base: Omit<ClaimContext, 'billing' | 'payTo' | 'subscriber' | 'payer' | 'patient' | 'submitter' | 'receiver'>): Claim837[] {
  const claims: Claim837[] = [];
  const sub = kid(root, '1000A');
  const rec = kid(root, '1000B');
  const submitter = { name: el(sub?.segments[0], 3), id: el(sub?.segments[0], 9) };
  const receiver = { name: el(rec?.segments[0], 3), id: el(rec?.segments[0], 9) };
  for (const a of kids(root, '2000A')) {
    const aa = kid(a, '2010AA');
    const nm = aa?.segments[0];
    const tax = aa ? (find(aa, 'REF', [1, 'EI']) ?? find(aa, 'REF', [1, 'SY'])) : undefined;
    const billing: Claim837['billingProvider'] = {
      npi: el(nm, 8) === 'XX' ? el(nm, 9) || null : null, taxId: el(tax, 2) || null, name: [el(nm, 3), el(nm, 4)].filter(Boolean).join(', '),
      entityType: el(nm, 2) === '1' ? '1' : '2', ...(address(aa) ? { address: address(aa)! } : {}), ...(el(find(a, 'PRV'), 3) ? { taxonomy: el(find(a, 'PRV'), 3) } : {}),
    };
    const ab = kid(a, '2010AB');
    const payTo = ab ? { name: el(ab.segments[0], 3) || billing.name, ...(address(ab) ? { address: address(ab)! } : {}) } : undefined;
    for (const b of kids(a, '2000B')) {
      const sbr = find(b, 'SBR');
      const ba = kid(b, '2010BA');
      const bb = kid(b, '2010BB');
      const dmg = ba ? find(ba, 'DMG') : undefined;
      const subscriber: Claim837['subscriber'] = {
        memberId: el(ba?.segments[0], 9), lastName: el(ba?.segments[0], 3), ...(el(ba?.segments[0], 4) ? { firstName: el(ba?.segments[0], 4) } : {}),
        ...(dmg && el(dmg, 2) ? { dateOfBirth: isoDate(el(dmg, 2)) } : {}), ...(gender(el(dmg, 3)) ? { gender: gender(el(dmg, 3))! } : {}),
        payerResponsibility: el(sbr, 1), relationship: el(sbr, 2), ...(el(sbr, 3) ? { groupNumber: el(sbr, 3) } : {}), ...(address(ba) ? { address: address(ba)! } : {}),
      };
      const payer = { name: el(bb?.segments[0], 3), id: el(bb?.segments[0], 9) };
      const ctx: ClaimContext = { ...base, submitter, receiver, billing, payTo, subscriber, payer, patient: undefined };
      for (const clm of kids(b, '2300')) claims.push(readClaim(clm, ctx));
      for (const cc of kids(b, '2000C')) {
        const pat = find(cc, 'PAT');
        const ca = kid(cc, '2010CA');
        const pdmg = ca ? find(ca, 'DMG') : undefined;
        const patient = {
          lastName: el(ca?.segments[0], 3), ...(el(ca?.segments[0], 4) ? { firstName: el(ca?.segments[0], 4) } : {}),
          ...(pdmg && el(pdmg, 2) ? { dateOfBirth: isoDate(el(pdmg, 2)) } : {}), ...(gender(el(pdmg, 3)) ? { gender: gender(el(pdmg, 3))! } : {}), relationship: el(pat, 1),
        };
        for (const clm of kids(cc, '2300')) claims.push(readClaim(clm, { ...ctx, patient }));
      }
    }
  }
  return claims;
}

function checkElements(root: LoopNode, checker: ElementChecker, kind: 'professional' | 'institutional'): void {
  const visit = (n: LoopNode) => {
    for (const s of n.segments) checker.check(s, n.def.id, kind);
    n.children.forEach(visit);
  };
  visit(root);
}

/** Reads and validates one ST…SE transaction set. */
export function readTransactionSet(raw: RawSet, d: Delimiters, groupVersion: string): TransactionSet837 {
  const st = raw.st;
  const guide = el(st, 3) || groupVersion;
  const kind = kindOf(guide);
  const findings: Finding[] = [...raw.findings];
  const position = (s: Segment) => s.index - st.index + 1;
  const base = { controlNumber: el(st, 2), implementationGuide: guide, kind, segmentCount: raw.segments.length };
  if (el(st, 1) !== '837' || (kind !== 'professional' && kind !== 'institutional')) {
    findings.push({ severity: 'error', code: 'set-not-supported', message: `transaction set ${el(st, 1)} ${guide} is not supported here (837P 005010X222A1 or 837I 005010X223A2/A3)`, segmentId: 'ST', segmentPosition: 1, setCode: '1' });
    return { ...base, accepted: false, findings, claims: [] };
  }
  if (el(st, 3) && groupVersion && el(st, 3) !== groupVersion)
    findings.push({ severity: 'warning', code: 'st03-gs08', message: `ST03 '${el(st, 3)}' differs from GS08 '${groupVersion}'`, segmentId: 'ST', segmentPosition: 1, elementPosition: 3 });
  const walk = walkLoops(kind === 'professional' ? SCHEMA_837P : SCHEMA_837I, raw.segments, KNOWN_837_SEGMENTS, position);
  findings.push(...walk.findings);
  const checker = new ElementChecker(d, position);
  checkElements(walk.root, checker, kind);
  findings.push(...checker.findings, ...checkHl(walk.root, position));
  const claims = extractClaims(walk.root, { setControl: el(st, 2), kind, d, position, findings });
  return { ...base, accepted: !findings.some((f) => f.severity === 'error'), findings, claims };
}

/**
 * Some senders declare one component separator in ISA16 and use another in their
 * composites (e.g. ISA16 ':' with CLM05 '13>A>1'). When no CLM05 holds the declared one
 * but they consistently hold another, that one is used, with a warning.
 */
function componentSeparatorInUse(d: Delimiters, segments: readonly Segment[], warnings: Finding[]): Delimiters {
  const clm05 = segments.filter((s) => s.id === 'CLM').map((s) => s.elements[5] ?? '').filter(Boolean);
  if (clm05.length === 0 || clm05.some((v) => v.includes(d.component))) return d;
  for (const cand of ['>', ':', '^', '|', '\\']) {
    if (cand === d.element || cand === d.segment) continue;
    if (clm05.every((v) => v.split(cand).length === 3)) {
      warnings.push({ severity: 'warning', code: 'component-separator', message: `ISA16 declares component separator '${d.component}' but the composites use '${cand}'; read with '${cand}'`, segmentId: 'ISA', elementPosition: 16 });
      return { ...d, component: cand };
    }
  }
  return d;
}

/** Reads a whole 837 file (any number of interchanges, groups and sets). Never throws. */
export function read837(text: string): Read837Result {
  let env;
  try {
    env = splitEnvelope(text);
  } catch (e) {
    return { interchanges: [], fatal: { severity: 'error', code: '024', message: `unreadable interchange: ${(e as Error).message}` } };
  }
  if (!env.delimiters) return { interchanges: [], ...(env.fatal ? { fatal: env.fatal } : {}) };
  const d = componentSeparatorInUse(env.delimiters, env.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets.flatMap((s) => s.segments))), env.warnings);
  return {
    interchanges: env.interchanges.map((ic, i) => ({
      controlNumber: el(ic.isa, 13), senderId: el(ic.isa, 6).trim(), receiverId: el(ic.isa, 8).trim(), date: el(ic.isa, 9), time: el(ic.isa, 10), usageIndicator: el(ic.isa, 15),
      envelopeFindings: [...(i === 0 ? env.warnings : []), ...ic.findings],
      groups: ic.groups.map((g) => ({
        controlNumber: el(g.gs, 6), functionalId: el(g.gs, 1), version: el(g.gs, 8), senderCode: el(g.gs, 2), receiverCode: el(g.gs, 3), findings: g.findings,
        transactionSets: g.sets.map((s) => {
          try {
            return readTransactionSet(s, d, el(g.gs, 8));
          } catch (e) {
            // A bug in a rule must not take the whole file down: reject this set and say so.
            return { controlNumber: el(s.st, 2), implementationGuide: el(s.st, 3), kind: 'unknown' as const, accepted: false, segmentCount: s.segments.length, claims: [], findings: [{ severity: 'error' as const, code: 'internal', message: `could not read transaction set: ${(e as Error).message}`, segmentId: 'ST', segmentPosition: 1, setCode: '5' }] };
          }
        }),
      })),
    })),
    ...(env.fatal ? { fatal: env.fatal } : {}),
  };
}
