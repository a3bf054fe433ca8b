/**
 * Writes 835 Health Care Claim Payment/Advice (005010X221A1): one ST per remittance,
 * BPR/TRN, payer and payee, CLP per claim echoing CLM01, SVC per line with CAS (up to six
 * reason/amount pairs per group), AMT*B6 and LQ*HE remarks, PLB. Unbalanced input is a
 * programming error (an exception), never written.
 */
import type { Adjustment835, Remittance835 } from './model-835.ts';
import { x12FromCents } from './money.ts';
import { d8, X12Writer } from './writer.ts';

export interface Write835Options {
  senderId: string;
  receiverId: string;
  interchangeControlNumber: number;
  date: Date;
}

function cas(w: X12Writer, adjustments: readonly Adjustment835[]): void {
  const byGroup = new Map<string, Adjustment835[]>();
  for (const a of adjustments) byGroup.set(a.group, [...(byGroup.get(a.group) ?? []), a]);
  for (const [group, list] of byGroup)
    for (let i = 0; i < list.length; i += 6)
      w.segment('CAS', group, ...list.slice(i, i + 6).flatMap((a) => [a.reason, x12FromCents(a.amountCents), '']));
}

/** Throws if the remittance does not balance (a bug upstream, not bad input). */
export function assertBalanced(r: Remittance835): void {
  const sum = (xs: readonly Adjustment835[]) => xs.reduce((s, a) => s + a.amountCents, 0);
  let clpTotal = 0;
  for (const c of r.claims) {
    for (const l of c.lines)
      if (l.chargeCents - sum(l.adjustments) !== l.paidCents) throw new Error(`835 line of claim ${c.patientControlNumber} does not balance: SVC02 − ΣCAS ≠ SVC03`);
    const all = sum(c.adjustments) + c.lines.reduce((s, l) => s + sum(l.adjustments), 0);
    if (c.chargeCents - all !== c.paidCents) throw new Error(`835 claim ${c.patientControlNumber} does not balance: CLP03 − ΣCAS ≠ CLP04`);
    clpTotal += c.paidCents;
  }
  const plb = r.providerAdjustments.reduce((s, p) => s + p.amountCents, 0);
  if (clpTotal - plb !== r.totalPaidCents) throw new Error(`835 ${r.traceNumber} does not balance: BPR02 ≠ ΣCLP04 − ΣPLB`);
}

export function write835(remits: readonly Remittance835[], o: Write835Options): string {
  const w = new X12Writer({ senderId: o.senderId, receiverId: o.receiverId, controlNumber: o.interchangeControlNumber, date: o.date });
  w.gs('HP', '005010X221A1', o.interchangeControlNumber);
  remits.forEach((r, i) => {
    assertBalanced(r);
    w.st('835', String(i + 1).padStart(4, '0'), '005010X221A1');
    const credit = r.totalPaidCents > 0 ? 'C' : 'H';
    if (r.method === 'ACH') w.segment('BPR', credit, x12FromCents(r.totalPaidCents), 'C', 'ACH', 'CCP', '01', '999999999', 'DA', '123456', '1512345678', '', '01', '999988880', 'DA', '98765', d8(r.paymentDate));
    else w.segment('BPR', credit, x12FromCents(r.totalPaidCents), 'C', r.method, '', '', '', '', '', '', '', '', '', '', '', d8(r.paymentDate));
    w.segment('TRN', '1', r.traceNumber, `1${(r.payer.id.replace(/\D/g, '') || '000000000').padStart(9, '0').slice(-9)}`);
    w.segment('DTM', '405', d8(r.paymentDate));
    w.segment('N1', 'PR', r.payer.name);
    w.segment('N3', r.payer.address?.line1 ?? '1 PAYER PLAZA');
    w.segment('N4', r.payer.address?.city ?? 'SPRINGFIELD', r.payer.address?.state ?? 'IL', r.payer.address?.postalCode ?? '62701');
    w.segment('REF', '2U', r.payer.id);
    w.segment('PER', 'BL', 'PROVIDER SERVICES', 'TE', '8005550100');
    w.segment('N1', 'PE', r.payee.name, 'XX', r.payee.npi);
    if (r.payee.taxId) w.segment('REF', 'TJ', r.payee.taxId);
    r.claims.forEach((c, k) => {
      w.segment('LX', k + 1);
      w.segment('CLP', c.patientControlNumber, c.status, x12FromCents(c.chargeCents), x12FromCents(c.paidCents), c.patientRespCents ? x12FromCents(c.patientRespCents) : '0', c.filingIndicator, c.payerClaimControlNumber, c.facilityCode, c.frequencyCode);
      cas(w, c.adjustments);
      w.segment('NM1', 'QC', '1', c.patient.lastName, c.patient.firstName, '', '', '', 'MI', c.patient.memberId);
      if (c.serviceDateFrom) w.segment('DTM', '232', d8(c.serviceDateFrom));
      if (c.serviceDateTo) w.segment('DTM', '233', d8(c.serviceDateTo));
      for (const l of c.lines) {
        const proc = l.procedure ? [l.procedure.qualifier, l.procedure.code, ...l.procedure.modifiers].join(':') : `NU:${l.revenueCode ?? ''}`;
        w.segment('SVC', proc, x12FromCents(l.chargeCents), x12FromCents(l.paidCents), l.procedure && l.revenueCode ? l.revenueCode : '', l.units);
        if (l.serviceDateFrom === l.serviceDateTo) w.segment('DTM', '472', d8(l.serviceDateFrom));
        else {
          w.segment('DTM', '150', d8(l.serviceDateFrom));
          w.segment('DTM', '151', d8(l.serviceDateTo));
        }
        cas(w, l.adjustments);
        if (l.lineControlNumber) w.segment('REF', '6R', l.lineControlNumber);
        if (l.allowedCents !== undefined) w.segment('AMT', 'B6', x12FromCents(l.allowedCents));
        for (const rm of l.remarks) w.segment('LQ', 'HE', rm);
      }
    });
    for (const p of r.providerAdjustments) w.segment('PLB', r.payee.npi, `${r.paymentDate.slice(0, 4)}1231`, `${p.reason}:${p.reference ?? ''}`, x12FromCents(p.amountCents));
    w.se();
  });
  w.ge();
  return w.toString();
}
