/**
 * Reads 837P/837I interchanges into typed claims, with every finding a 999 needs.
 * Never throws on input. Loops are resolved by position and qualifier through the
 * implementation-guide schema; the HL tree is checked from HL01/HL02.
 * https://x12.org — 005010X222A1, 005010X223A2
 */
import { componentSeparatorInUse } from './component-separator.ts';
import { splitEnvelope, type RawSet } from './envelope.ts';
import type { Finding } from './finding.ts';
import type { LoopNode } from './loop-walker.ts';
import { centsFromX12 } from './money.ts';
import type { Address, Claim837, Claim837Line, Read837Result, TransactionSet837 } from './model-837.ts';
import type { Delimiters, Segment } from './tokenizer.ts';
import { validateSet } from './validate-set.ts';

/** CCYYMMDD → YYYY-MM-DD. */
export function isoDate(v: string | undefined): string {
  return v && v.length >= 8 ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : '';
}

// Extraction runs once per claim on files of millions of claims: the helpers below avoid
// closures, rest arguments and object spreads, which dominated the profile.
const el = (s: Segment | undefined, i: number): string => (s === undefined ? '' : (s.elements[i] ?? ''));

function find(n: LoopNode, id: string, qe = 0, qv = ''): Segment | undefined {
  const list = n.segments;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (s.id === id && (qe === 0 || s.elements[qe] === qv)) return s;
  }
  return undefined;
}

function kid(n: LoopNode, id: string): LoopNode | undefined {
  const list = n.children;
  for (let i = 0; i < list.length; i++) if (list[i]!.def.id === id) return list[i];
  return undefined;
}

function kids(n: LoopNode, id: string): LoopNode[] {
  const out: LoopNode[] = [];
  const list = n.children;
  for (let i = 0; i < list.length; i++) if (list[i]!.def.id === id) out.push(list[i]!);
  return out;
}

/** D8 value or RD8 range → [from, to] as sent (CCYYMMDD). */
function range(v: string): [string, string] {
  const dash = v.indexOf('-');
  return dash < 0 ? [v, v] : [v.slice(0, dash), v.slice(dash + 1)];
}

function address(n: LoopNode | undefined): Address | undefined {
  if (!n) return undefined;
  const n3 = find(n, 'N3');
  const n4 = find(n, 'N4');
  if (!n3 && !n4) return undefined;
  const a: Address = { line1: el(n3, 1), city: el(n4, 1) };
  if (el(n3, 2)) a.line2 = el(n3, 2);
  if (el(n4, 2)) a.state = el(n4, 2);
  if (el(n4, 3)) a.postalCode = el(n4, 3);
  return a;
}

function gender(v: string): 'M' | 'F' | 'U' | undefined {
  return v === 'M' || v === 'F' || v === 'U' ? v : undefined;
}

interface ClaimContext {
  readonly setControl: string;
  readonly kind: 'professional' | 'institutional' | 'dental';
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

function readLine(n: LoopNode, c: ClaimContext, claimFrom: string, claimTo: string): Claim837Line {
  const P = c.kind === 'professional';
  const D = c.kind === 'dental';
  const lx = n.segments[0]!;
  const sv = find(n, P ? 'SV1' : D ? 'SV3' : 'SV2');
  const dtp = find(n, 'DTP', 1, '472');
  let from = claimFrom;
  let to = claimTo;
  if (dtp) {
    const [a, b] = range(el(dtp, 3));
    from = isoDate(a);
    to = isoDate(b);
  } else if (P && sv) {
    c.findings.push({ severity: 'error', code: 'required-missing', message: 'required segment DTP*472 (service date) is missing in loop 2400', segmentId: 'DTP', segmentPosition: c.position(lx), loop: '2400', ik3Code: '3' });
  }
  // SV1 (837P): 01 procedure, 02 charge, 03 unit, 04 units, 05 POS, 07 pointers; SV2 (837I): 01 revenue, 02 procedure,
  // 03 charge, 04 unit, 05 units; SV3 (837D): 01 procedure, 02 charge, 03 POS, 06 units, 11 pointers.
  const procComposite = P || D ? el(sv, 1) : el(sv, 2);
  const line: Claim837Line = {
    lineNumber: Number(el(lx, 1)) || 0,
    chargeCents: centsFromX12(el(sv, P || D ? 2 : 3)) ?? 0,
    unitType: D ? 'UN' : el(sv, P ? 3 : 4),
    units: el(sv, P ? 4 : D ? 6 : 5) || '1',
    diagnosisPointers: [],
    serviceDateFrom: from,
    serviceDateTo: to,
  };
  if (procComposite) {
    const parts = procComposite.split(c.d.component);
    if (parts.length >= 2) {
      const modifiers: string[] = [];
      for (let i = 2; i < parts.length && i < 6; i++) if (parts[i]) modifiers.push(parts[i]!);
      line.procedure = { qualifier: parts[0]!, code: parts[1]!, modifiers };
    }
  }
  if (!P && !D && el(sv, 1)) line.revenueCode = el(sv, 1);
  if (P || D) {
    if (el(sv, P ? 5 : 3)) line.placeOfService = el(sv, P ? 5 : 3);
    const ptr = el(sv, P ? 7 : 11);
    if (ptr) for (const x of ptr.split(c.d.component)) if (x) line.diagnosisPointers.push(Number(x));
  }
  if (D) {
    const teeth: string[] = [];
    for (const t of n.segments) if (t.id === 'TOO' && el(t, 2)) teeth.push(el(t, 2));
    if (teeth.length) line.teeth = teeth;
  }
  const ref6r = find(n, 'REF', 1, '6R');
  if (ref6r) line.lineControlNumber = el(ref6r, 2);
  const g1 = find(n, 'REF', 1, 'G1');
  if (g1 && el(g1, 2)) line.priorAuthorization = el(g1, 2);
  return line;
}

function provider(n: LoopNode | undefined): Claim837['renderingProvider'] {
  if (!n) return undefined;
  const nm1 = n.segments[0]!;
  const p: NonNullable<Claim837['renderingProvider']> = { npi: el(nm1, 8) === 'XX' ? el(nm1, 9) || null : null };
  if (el(nm1, 3)) p.lastName = el(nm1, 3);
  if (el(nm1, 4)) p.firstName = el(nm1, 4);
  const taxonomy = el(find(n, 'PRV'), 3);
  if (taxonomy) p.taxonomy = taxonomy;
  return p;
}

/** One claim (a 2300 loop) with the parties above it. */
export function readClaim(n: LoopNode, c: ClaimContext): Claim837 {
  const clm = n.segments[0]!;
  const [fac = '', qual = '', freq = ''] = el(clm, 5).split(c.d.component);
  const stmt = find(n, 'DTP', 1, '434');
  const [sFrom, sTo] = range(el(stmt, 3));
  const [cFrom, cTo] = range(el(find(n, 'DTP', 1, '472'), 3));
  const from = isoDate(sFrom || cFrom);
  const to = isoDate(sTo || cTo);
  const his: Segment[] = [];
  for (const s of n.segments) if (s.id === 'HI') his.push(s);
  const lines: Claim837Line[] = [];
  for (const l of n.children) if (l.def.id === '2400') lines.push(readLine(l, c, from, to));
  const claim: Claim837 = {
    submitter: c.submitter, receiver: c.receiver, billingProvider: c.billing, subscriber: c.subscriber, payer: c.payer,
    patientControlNumber: el(clm, 1), totalChargeCents: centsFromX12(el(clm, 2)) ?? 0, facilityCode: fac, facilityCodeQualifier: qual, frequencyCode: freq,
    diagnoses: readDiagnoses(his, c.d, c, '2300'),
    lines,
    position: { transactionSetControlNumber: c.setControl, clmSegmentPosition: c.position(clm) },
  };
  if (c.payTo) claim.payToProvider = c.payTo;
  if (c.patient) claim.patient = c.patient;
  const f8 = find(n, 'REF', 1, 'F8');
  if (f8) claim.payerClaimControlNumber = el(f8, 2);
  const g1 = find(n, 'REF', 1, 'G1');
  if (g1 && el(g1, 2)) claim.priorAuthorization = el(g1, 2);
  if (c.kind === 'institutional') claim.typeOfBill = `${fac}${freq}`;
  if (stmt) {
    claim.statementFrom = isoDate(sFrom);
    claim.statementTo = isoDate(sTo);
  }
  const adm = find(n, 'DTP', 1, '435');
  if (adm) claim.admissionDate = isoDate(el(adm, 3).slice(0, 8));
  const rendering = provider(kid(n, c.kind === 'institutional' ? '2310D' : '2310B'));
  if (rendering) claim.renderingProvider = rendering;
  if (c.kind === 'institutional') {
    const attending = provider(kid(n, '2310A'));
    if (attending) claim.attendingProvider = attending;
  }
  return claim;
}

function person<T extends { lastName: string; firstName?: string; dateOfBirth?: string; gender?: 'M' | 'F' | 'U' }>(base: T, nm1: Segment | undefined, dmg: Segment | undefined): T {
  if (el(nm1, 4)) base.firstName = el(nm1, 4);
  if (el(dmg, 2)) base.dateOfBirth = isoDate(el(dmg, 2));
  const g = gender(el(dmg, 3));
  if (g) base.gender = g;
  return base;
}

type SetContext = Omit<ClaimContext, 'billing' | 'payTo' | 'subscriber' | 'payer' | 'patient' | 'submitter' | 'receiver'>;

/** Submitter and receiver (1000A/1000B) from the set's header loop. */
export function headerParties(root: LoopNode): Pick<ClaimContext, 'submitter' | 'receiver'> {
  const sub = kid(root, '1000A');
  const rec = kid(root, '1000B');
  return { submitter: { name: el(sub?.segments[0], 3), id: el(sub?.segments[0], 9) }, receiver: { name: el(rec?.segments[0], 3), id: el(rec?.segments[0], 9) } };
}

/** Billing and pay-to provider from a 2000A loop (its 2010AA/2010AB are complete before any claim). */
export function billingParties(a: LoopNode): Pick<ClaimContext, 'billing' | 'payTo'> {
  const aa = kid(a, '2010AA');
  const nm = aa?.segments[0];
  const tax = aa ? (find(aa, 'REF', 1, 'EI') ?? find(aa, 'REF', 1, 'SY')) : undefined;
  const billing: Claim837['billingProvider'] = {
    npi: el(nm, 8) === 'XX' ? el(nm, 9) || null : null, taxId: el(tax, 2) || null, name: el(nm, 3) && el(nm, 4) ? `${el(nm, 3)}, ${el(nm, 4)}` : el(nm, 3) || el(nm, 4),
    entityType: el(nm, 2) === '1' ? '1' : '2',
  };
  const billingAddress = address(aa);
  if (billingAddress) billing.address = billingAddress;
  const taxonomy = el(find(a, 'PRV'), 3);
  if (taxonomy) billing.taxonomy = taxonomy;
  const ab = kid(a, '2010AB');
  let payTo: Claim837['payToProvider'];
  if (ab) {
    payTo = { name: el(ab.segments[0], 3) || billing.name };
    const payToAddress = address(ab);
    if (payToAddress) payTo.address = payToAddress;
  }
  return { billing, payTo };
}

/** Subscriber and payer from a 2000B loop. */
export function subscriberParties(b: LoopNode): Pick<ClaimContext, 'subscriber' | 'payer'> {
  const sbr = find(b, 'SBR');
  const ba = kid(b, '2010BA');
  const bb = kid(b, '2010BB');
  const nm1 = ba?.segments[0];
  const subscriber = person<Claim837['subscriber']>({ memberId: el(nm1, 9), lastName: el(nm1, 3), payerResponsibility: el(sbr, 1), relationship: el(sbr, 2) }, nm1, ba ? find(ba, 'DMG') : undefined);
  if (el(sbr, 3)) subscriber.groupNumber = el(sbr, 3);
  const subscriberAddress = address(ba);
  if (subscriberAddress) subscriber.address = subscriberAddress;
  return { subscriber, payer: { name: el(bb?.segments[0], 3), id: el(bb?.segments[0], 9) } };
}

/** The patient of a 2000C loop. */
export function patientOf(cc: LoopNode): NonNullable<Claim837['patient']> {
  const ca = kid(cc, '2010CA');
  return person<NonNullable<Claim837['patient']>>({ lastName: el(ca?.segments[0], 3), relationship: el(find(cc, 'PAT'), 1) }, ca?.segments[0], ca ? find(ca, 'DMG') : undefined);
}

export type { ClaimContext, SetContext };

export function extractClaims(root: LoopNode, base: SetContext): Claim837[] {
  const claims: Claim837[] = [];
  const header = headerParties(root);
  for (const a of kids(root, '2000A')) {
    const billing = billingParties(a);
    for (const b of kids(a, '2000B')) {
      const ctx: ClaimContext = { ...base, ...header, ...billing, ...subscriberParties(b), patient: undefined };
      for (const clm of b.children) if (clm.def.id === '2300') claims.push(readClaim(clm, ctx));
      for (const cc of kids(b, '2000C')) {
        const pctx: ClaimContext = { ...ctx, patient: patientOf(cc) };
        for (const clm of cc.children) if (clm.def.id === '2300') claims.push(readClaim(clm, pctx));
      }
    }
  }
  return claims;
}

/** Reads and validates one ST…SE transaction set. */
export function readTransactionSet(raw: RawSet, d: Delimiters, groupVersion: string): TransactionSet837 {
  const v = validateSet(raw, d, groupVersion);
  const kind = v.guide?.key === '837P' ? 'professional' : v.guide?.key === '837I' ? 'institutional' : v.guide?.key === '837D' ? 'dental' : 'unknown';
  const base = { controlNumber: v.controlNumber, implementationGuide: v.implementationGuide, kind, segmentCount: raw.segments.length } as const;
  if (!v.tree || (kind !== 'professional' && kind !== 'institutional')) {
    const findings = v.tree ? [...v.findings, { severity: 'error' as const, code: 'set-not-supported', message: `transaction set ${v.transaction} ${v.implementationGuide} is not a claim Tandem adjudicates (837P 005010X222A1 or 837I 005010X223A2/A3)`, segmentId: 'ST', segmentPosition: 1, setCode: '1' }] : v.findings;
    return { ...base, accepted: false, findings, claims: [] };
  }
  const findings = v.findings;
  const position = (s: Segment) => s.index - raw.st.index + 1;
  const claims = extractClaims(v.tree, { setControl: v.controlNumber, kind, d, position, findings });
  return { ...base, accepted: !findings.some((f) => f.severity === 'error'), findings, claims };
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
