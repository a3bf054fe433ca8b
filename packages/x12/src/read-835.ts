/**
 * Reads an 835 back into the model and checks its balancing (005010X221A1 section 1.10.2):
 * SVC02 − ΣCAS = SVC03, CLP03 − ΣCAS = CLP04, BPR02 = ΣCLP04 − ΣPLB — all in integer cents.
 */
import type { Finding } from './finding.ts';
import type { Adjustment835, AdjustmentGroup, Remittance835, Remittance835Claim, Remittance835Line } from './model-835.ts';
import { centsFromX12 } from './money.ts';
import { isoDate } from './read-837.ts';
import { readDelimiters, tokenize, type Delimiters, type Segment } from './tokenizer.ts';

export function read835(text: string): { findings: Finding[]; remits: Remittance835[] } {
  const d = readDelimiters(text);
  if (!d.ok) return { findings: [{ severity: 'error', code: '024', message: d.reason }], remits: [] };
  return read835Segments(tokenize(text, d.delimiters, d.start), d.delimiters);
}

/** The same from already-tokenized segments (one or more ST…SE sets). */
export function read835Segments(segments: readonly Segment[], delimiters: Delimiters): { findings: Finding[]; remits: Remittance835[] } {
  const findings: Finding[] = [];
  const remits: Remittance835[] = [];
  const c = delimiters.component;
  let r: Remittance835 | null = null;
  let claim: Remittance835Claim | null = null;
  let line: Remittance835Line | null = null;
  let n1 = '';
  const money = (v: string | undefined, where: string) => {
    const x = centsFromX12(v ?? '');
    if (x === null) findings.push({ severity: 'error', code: 'not-a-number', message: `${where}: '${v ?? ''}' is not a decimal amount`, segmentId: where.slice(0, 3) });
    return x ?? 0;
  };
  for (const s of segments) {
    const e = s.elements;
    switch (s.id) {
      case 'ST':
        r = { payer: { name: '', id: '' }, payee: { name: '', npi: '' }, paymentDate: '', traceNumber: '', totalPaidCents: 0, method: 'NON', claims: [], providerAdjustments: [] };
        remits.push(r);
        claim = null;
        line = null;
        break;
      case 'BPR':
        if (!r) break;
        r.totalPaidCents = money(e[2], 'BPR02');
        r.method = e[4] === 'ACH' ? 'ACH' : e[4] === 'CHK' ? 'CHK' : 'NON';
        r.paymentDate = isoDate(e[16]);
        break;
      case 'TRN':
        if (r) r.traceNumber = e[2] ?? '';
        break;
      case 'N1':
        n1 = e[1] ?? '';
        if (r && n1 === 'PR') r.payer.name = e[2] ?? '';
        if (r && n1 === 'PE') r.payee = { ...r.payee, name: e[2] ?? '', npi: e[4] ?? '' };
        break;
      case 'REF':
        if (r && !claim && n1 === 'PR' && e[1] === '2U') r.payer.id = e[2] ?? '';
        else if (r && !claim && n1 === 'PE' && e[1] === 'TJ') r.payee.taxId = e[2] ?? '';
        else if (line && e[1] === '6R') line.lineControlNumber = e[2] ?? '';
        break;
      case 'CLP':
        if (!r) break;
        line = null;
        claim = {
          patientControlNumber: e[1] ?? '', status: (e[2] ?? '1') as Remittance835Claim['status'], chargeCents: money(e[3], 'CLP03'), paidCents: money(e[4], 'CLP04'),
          patientRespCents: e[5] ? money(e[5], 'CLP05') : 0, filingIndicator: e[6] ?? '', payerClaimControlNumber: e[7] ?? '',
          ...(e[8] ? { facilityCode: e[8] } : {}), ...(e[9] ? { frequencyCode: e[9] } : {}),
          patient: { lastName: '', memberId: '' }, adjustments: [], lines: [],
        };
        r.claims.push(claim);
        break;
      case 'CAS': {
        const target = line ?? claim;
        if (!target) break;
        for (let i = 2; i + 1 < e.length; i += 3) {
          if (!e[i]) continue;
          const a: Adjustment835 = { group: (e[1] ?? 'OA') as AdjustmentGroup, reason: e[i]!, amountCents: money(e[i + 1], 'CAS') };
          target.adjustments.push(a);
        }
        break;
      }
      case 'NM1':
        if (claim && e[1] === 'QC') claim.patient = { lastName: e[3] ?? '', ...(e[4] ? { firstName: e[4] } : {}), memberId: e[9] ?? '' };
        break;
      case 'DTM':
        if (line && (e[1] === '472' || e[1] === '150')) line.serviceDateFrom = isoDate(e[2]);
        if (line && (e[1] === '472' || e[1] === '151')) line.serviceDateTo = isoDate(e[2]);
        if (!line && claim && e[1] === '232') claim.serviceDateFrom = isoDate(e[2]);
        if (!line && claim && e[1] === '233') claim.serviceDateTo = isoDate(e[2]);
        break;
      case 'SVC': {
        if (!claim) break;
        const parts = (e[1] ?? '').split(c);
        const isRev = parts[0] === 'NU';
        line = {
          procedure: isRev ? null : { qualifier: parts[0] ?? '', code: parts[1] ?? '', modifiers: parts.slice(2).filter(Boolean) },
          ...(isRev ? { revenueCode: parts[1] ?? '' } : e[4] ? { revenueCode: e[4] } : {}),
          chargeCents: money(e[2], 'SVC02'), paidCents: money(e[3], 'SVC03'), units: e[5] ?? '1', serviceDateFrom: '', serviceDateTo: '', adjustments: [], remarks: [],
        };
        claim.lines.push(line);
        break;
      }
      case 'AMT':
        if (line && e[1] === 'B6') line.allowedCents = money(e[2], 'AMT02');
        break;
      case 'LQ':
        if (line && e[1] === 'HE') line.remarks.push(e[2] ?? '');
        break;
      case 'PLB':
        if (!r) break;
        for (let i = 3; i + 1 < e.length; i += 2) {
          const [reason = '', reference] = (e[i] ?? '').split(c);
          r.providerAdjustments.push({ reason, ...(reference ? { reference } : {}), amountCents: money(e[i + 1], 'PLB') });
        }
        break;
      default:
    }
  }
  const sum = (xs: readonly Adjustment835[]) => xs.reduce((s, a) => s + a.amountCents, 0);
  for (const rm of remits) {
    let clp = 0;
    for (const cl of rm.claims) {
      for (const [i, l] of cl.lines.entries())
        if (l.chargeCents - sum(l.adjustments) !== l.paidCents)
          findings.push({ severity: 'error', code: 'svc-unbalanced', message: `claim ${cl.patientControlNumber} line ${i + 1}: SVC02 − ΣCAS ≠ SVC03`, segmentId: 'SVC' });
      const adj = sum(cl.adjustments) + cl.lines.reduce((s, l) => s + sum(l.adjustments), 0);
      if (cl.chargeCents - adj !== cl.paidCents) findings.push({ severity: 'error', code: 'clp-unbalanced', message: `claim ${cl.patientControlNumber}: CLP03 − ΣCAS ≠ CLP04`, segmentId: 'CLP' });
      clp += cl.paidCents;
    }
    const plb = rm.providerAdjustments.reduce((s, p) => s + p.amountCents, 0);
    if (clp - plb !== rm.totalPaidCents) findings.push({ severity: 'error', code: 'bpr-unbalanced', message: `${rm.traceNumber}: BPR02 ≠ ΣCLP04 − ΣPLB`, segmentId: 'BPR' });
  }
  return { findings, remits };
}
