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

export function extractClaims(root: LoopNode, base: Omit<ClaimContext, 'billing' | 'payTo' | 'subscriber' | 'payer' | 'patient' | 'submitter' | 'receiver'>): Claim837[] {
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
