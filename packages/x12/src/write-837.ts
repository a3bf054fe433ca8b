/**
 * Writes claims as an 837P (005010X222A1) or 837I (005010X223A2) interchange, one
 * transaction set, a 2000A loop per billing provider and a 2000B per subscriber (2000C when
 * the claim has a separate patient). What read837 reads back is the same claim.
 */
import type { Address, Claim837 } from './model-837.ts';
import { x12FromCents } from './money.ts';
import { d8, X12Writer } from './writer.ts';

export interface Write837Options {
  kind: 'professional' | 'institutional';
  senderId: string;
  receiverId: string;
  interchangeControlNumber: number;
  date: Date;
  /** Claims per transaction set (ST/SE); large batches are split so readers can go set by set. Default 5,000. */
  claimsPerSet?: number;
}

function addr(w: X12Writer, a: Address | undefined): void {
  if (!a) return;
  w.segment('N3', a.line1, a.line2);
  w.segment('N4', a.city, a.state, a.postalCode);
}

const range = (from: string, to: string) => (from === to ? ['D8', d8(from)] : ['RD8', `${d8(from)}-${d8(to)}`]);

export function write837(claims: readonly Claim837[], o: Write837Options): string {
  const P = o.kind === 'professional';
  const guide = P ? '005010X222A1' : '005010X223A2';
  const w = new X12Writer({ senderId: o.senderId, receiverId: o.receiverId, controlNumber: o.interchangeControlNumber, date: o.date });
  w.gs('HC', guide, o.interchangeControlNumber);
  const perSet = Math.max(1, o.claimsPerSet ?? 5_000);
  for (let i = 0, n = 1; i < Math.max(1, claims.length); i += perSet, n++) writeSet(w, claims.slice(i, i + perSet), o, guide, P, String(n).padStart(4, '0'));
  w.ge();
  return w.toString();
}

function writeSet(w: X12Writer, claims: readonly Claim837[], o: Write837Options, guide: string, P: boolean, control: string): void {
  w.st('837', control, guide);
  const first = claims[0];
  w.segment('BHT', '0019', '00', String(o.interchangeControlNumber), d8(o.date.toISOString().slice(0, 10)), '1200', 'CH');
  w.segment('NM1', '41', '2', first?.submitter.name || o.senderId, '', '', '', '', '46', first?.submitter.id || o.senderId);
  w.segment('PER', 'IC', 'BILLING OFFICE', 'TE', '8005551212');
  w.segment('NM1', '40', '2', first?.receiver.name || o.receiverId, '', '', '', '', '46', first?.receiver.id || o.receiverId);
  let hl = 0;
  // Group by billing provider, then subscriber, keeping input order.
  const byProvider = new Map<string, Claim837[]>();
  for (const c of claims) {
    const k = `${c.billingProvider.npi ?? ''}|${c.billingProvider.taxId ?? ''}|${c.billingProvider.name}`;
    byProvider.set(k, [...(byProvider.get(k) ?? []), c]);
  }
  for (const group of byProvider.values()) {
    const bp = group[0]!.billingProvider;
    const aId = ++hl;
    w.segment('HL', aId, '', '20', '1');
    if (bp.taxonomy) w.segment('PRV', 'BI', 'PXC', bp.taxonomy);
    w.segment('NM1', '85', bp.entityType, bp.name, '', '', '', '', bp.npi ? 'XX' : '', bp.npi ?? '');
    addr(w, bp.address ?? { line1: 'UNKNOWN', city: 'UNKNOWN', state: 'XX', postalCode: '000000000' });
    w.segment('REF', 'EI', bp.taxId ?? '000000000');
    const bySub = new Map<string, Claim837[]>();
    for (const c of group) bySub.set(`${c.subscriber.memberId}|${c.payer.id}|${c.patient?.lastName ?? ''}|${c.patient?.firstName ?? ''}`, [...(bySub.get(`${c.subscriber.memberId}|${c.payer.id}|${c.patient?.lastName ?? ''}|${c.patient?.firstName ?? ''}`) ?? []), c]);
    for (const subClaims of bySub.values()) {
      const c0 = subClaims[0]!;
      const s = c0.subscriber;
      const bId = ++hl;
      w.segment('HL', bId, aId, '22', c0.patient ? '1' : '0');
      w.segment('SBR', s.payerResponsibility || 'P', c0.patient ? '' : s.relationship || '18', s.groupNumber, '', '', '', '', '', P ? 'CI' : 'CI');
      w.segment('NM1', 'IL', '1', s.lastName, s.firstName, '', '', '', 'MI', s.memberId);
      addr(w, s.address);
      if (s.dateOfBirth) w.segment('DMG', 'D8', d8(s.dateOfBirth), s.gender ?? 'U');
      w.segment('NM1', 'PR', '2', c0.payer.name, '', '', '', '', 'PI', c0.payer.id);
      if (c0.patient) {
        w.segment('HL', ++hl, bId, '23', '0');
        w.segment('PAT', c0.patient.relationship || '19');
        w.segment('NM1', 'QC', '1', c0.patient.lastName, c0.patient.firstName);
        w.segment('DMG', 'D8', d8(c0.patient.dateOfBirth ?? '1900-01-01'), c0.patient.gender ?? 'U');
      }
      for (const c of subClaims) writeClaim(w, c, P);
    }
  }
  w.se();
}

function writeClaim(w: X12Writer, c: Claim837, P: boolean): void {
  const q = P ? 'B' : 'A';
  w.segment('CLM', c.patientControlNumber, x12FromCents(c.totalChargeCents), '', '', `${c.facilityCode}:${q}:${c.frequencyCode}`, 'Y', 'A', 'Y', 'Y', P ? 'P' : '');
  if (!P) {
    const from = c.statementFrom ?? c.lines[0]?.serviceDateFrom ?? '';
    const to = c.statementTo ?? c.lines[0]?.serviceDateTo ?? from;
    w.segment('DTP', '434', 'RD8', `${d8(from)}-${d8(to)}`);
    if (c.admissionDate) w.segment('DTP', '435', 'D8', d8(c.admissionDate));
    w.segment('CL1', '1', '1', '01');
  }
  // 2300 REF order in the guide: G1 (prior authorization) before F8.
  if (c.priorAuthorization) w.segment('REF', 'G1', c.priorAuthorization);
  if (c.payerClaimControlNumber) w.segment('REF', 'F8', c.payerClaimControlNumber);
  c.diagnoses.forEach((d, i) => {
    if (i % 12 === 0) w.segment('HI', ...c.diagnoses.slice(i, i + 12).map((x) => `${x.qualifier}:${x.code}`));
  });
  if (P && c.renderingProvider) {
    w.segment('NM1', '82', '1', c.renderingProvider.lastName ?? 'PROVIDER', c.renderingProvider.firstName, '', '', '', c.renderingProvider.npi ? 'XX' : '', c.renderingProvider.npi ?? '');
    if (c.renderingProvider.taxonomy) w.segment('PRV', 'PE', 'PXC', c.renderingProvider.taxonomy);
  }
  if (!P && c.attendingProvider) w.segment('NM1', '71', '1', c.attendingProvider.lastName ?? 'ATTENDING', c.attendingProvider.firstName, '', '', '', c.attendingProvider.npi ? 'XX' : '', c.attendingProvider.npi ?? '');
  for (const l of c.lines) {
    w.segment('LX', l.lineNumber);
    const proc = l.procedure ? [l.procedure.qualifier, l.procedure.code, ...l.procedure.modifiers].join(':') : '';
    if (P) w.segment('SV1', proc, x12FromCents(l.chargeCents), l.unitType || 'UN', l.units, l.placeOfService, '', l.diagnosisPointers.length ? l.diagnosisPointers.join(':') : '1');
    else w.segment('SV2', l.revenueCode ?? '0001', proc, x12FromCents(l.chargeCents), l.unitType || 'UN', l.units);
    w.segment('DTP', '472', ...range(l.serviceDateFrom, l.serviceDateTo));
    if (l.priorAuthorization) w.segment('REF', 'G1', l.priorAuthorization);
    if (l.lineControlNumber) w.segment('REF', '6R', l.lineControlNumber);
  }
}
