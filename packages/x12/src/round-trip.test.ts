import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { centsFromX12, read835, read837, stream837, write835, write837, x12FromCents, type Claim837, type Remittance835 } from './index.ts';

const claim = (over: Partial<Claim837> = {}): Claim837 => ({
  submitter: { name: 'RIVERSIDE MEDICAL', id: '990000002' },
  receiver: { name: 'TANDEM HEALTH PLAN', id: 'TANDEM' },
  billingProvider: { npi: '1234567893', taxId: '990000002', name: 'RIVERSIDE MEDICAL', entityType: '2', address: { line1: '1 MAIN ST', city: 'SPRINGFIELD', state: 'IL', postalCode: '62701' } },
  subscriber: { memberId: 'TM00000001-01', lastName: 'LOVELACE', firstName: 'ADA', dateOfBirth: '1980-12-10', gender: 'F', payerResponsibility: 'P', relationship: '18' },
  payer: { name: 'TANDEM HEALTH PLAN', id: 'TANDEM' },
  patientControlNumber: 'PCN-1',
  totalChargeCents: 32_550,
  facilityCode: '11',
  facilityCodeQualifier: 'B',
  frequencyCode: '1',
  diagnoses: [{ qualifier: 'ABK', code: 'E119' }, { qualifier: 'ABF', code: 'I10' }],
  renderingProvider: { npi: '1122334455', lastName: 'FAMILY', firstName: 'ANN' },
  lines: [
    { lineNumber: 1, procedure: { qualifier: 'HC', code: '99214', modifiers: ['25'] }, chargeCents: 25_000, unitType: 'UN', units: '1', diagnosisPointers: [1, 2], serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02', placeOfService: '11' },
    { lineNumber: 2, procedure: { qualifier: 'HC', code: '80053', modifiers: [] }, chargeCents: 7_550, unitType: 'UN', units: '2.5', diagnosisPointers: [1], serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-04', placeOfService: '11' },
  ],
  position: { transactionSetControlNumber: '0001', clmSegmentPosition: 0 },
  ...over,
});

const opts = { senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 42, date: new Date('2026-06-01T10:00:00Z') };
const strip = (c: Claim837) => ({ ...c, position: undefined });

describe('money', () => {
  it('converts X12 decimals to cents without floats', () => {
    expect(['12.25', '500', '.5', '-3.1', '0.005', '1.994', 'x', ''].map(centsFromX12)).toEqual([1225, 50_000, 50, -310, 1, 199, null, null]);
    expect([1225, 50_000, 50, 5, -310, 0].map(x12FromCents)).toEqual(['12.25', '500', '0.5', '0.05', '-3.1', '0']);
  });
});

describe('837 writer', () => {
  it('round-trips professional claims, with a dependent patient loop', () => {
    const claims = [claim(), claim({ patientControlNumber: 'PCN-2', patient: { lastName: 'LOVELACE', firstName: 'BYRON', dateOfBirth: '2012-01-05', gender: 'M', relationship: '19' } })];
    const text = write837(claims, { ...opts, kind: 'professional' });
    const r = read837(text);
    const set = r.interchanges[0]!.groups[0]!.transactionSets[0]!;
    expect(set.findings).toEqual([]);
    expect(set.accepted).toBe(true);
    // SBR02 (relationship) is sent only when the subscriber is the patient (X222A1 2000B).
    expect(set.claims.map(strip)).toEqual(claims.map((c) => ({ ...strip(c), subscriber: { ...c.subscriber, relationship: c.patient ? '' : '18' } })));
  });

  it('round-trips prior authorization numbers (REF*G1) on the claim (2300) and on a line (2400)', () => {
    const c = claim({ priorAuthorization: 'PA2026-7', lines: [{ ...claim().lines[0]!, priorAuthorization: 'PA2026-8', lineControlNumber: 'L1' }, claim().lines[1]!] });
    const text = write837([c], { ...opts, kind: 'professional' });
    expect(text).toContain('REF*G1*PA2026-7~');
    expect(text).toMatch(/REF\*G1\*PA2026-8~\s*REF\*6R\*L1~/);
    const set = read837(text).interchanges[0]!.groups[0]!.transactionSets[0]!;
    expect(set.findings).toEqual([]);
    expect(set.claims.map(strip)).toEqual([strip(c)]);
  });

  it('round-trips institutional claims', () => {
    const inst = claim({
      facilityCode: '13', facilityCodeQualifier: 'A', typeOfBill: '131', statementFrom: '2026-03-02', statementTo: '2026-03-04', renderingProvider: undefined,
      attendingProvider: { npi: '1122334455', lastName: 'ATTENDING' },
      diagnoses: [{ qualifier: 'ABK', code: 'R079' }],
      lines: [{ lineNumber: 1, revenueCode: '0450', procedure: { qualifier: 'HC', code: '99284', modifiers: [] }, chargeCents: 32_550, unitType: 'UN', units: '1', diagnosisPointers: [], serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02' }],
    });
    delete (inst as Partial<Claim837>).renderingProvider;
    const r = read837(write837([inst], { ...opts, kind: 'institutional' }));
    const set = r.interchanges[0]!.groups[0]!.transactionSets[0]!;
    expect(set.findings).toEqual([]);
    expect(strip(set.claims[0]!)).toEqual(strip(inst));
  });

  it('keeps control numbers and counts right, and notes an unbalanced CLM02', () => {
    const text = write837([claim({ totalChargeCents: 99_999 })], { ...opts, kind: 'professional' });
    expect(text).toMatch(/IEA\*1\*000000042~/);
    const set = read837(text).interchanges[0]!.groups[0]!.transactionSets[0]!;
    expect(set.accepted).toBe(true);
    expect(set.findings).toEqual([expect.objectContaining({ severity: 'warning', code: 'claim-unbalanced', segmentId: 'CLM', elementPosition: 2 })]);
  });
});

describe('837 writer, large batches', () => {
  it('splits into transaction sets of claimsPerSet claims with their own SE counts', () => {
    const claims = Array.from({ length: 5 }, (_, i) => claim({ patientControlNumber: `PCN-${i}` }));
    const r = read837(write837(claims, { ...opts, kind: 'professional', claimsPerSet: 2 }));
    const sets = r.interchanges[0]!.groups[0]!.transactionSets;
    expect(sets.map((s) => s.claims.length)).toEqual([2, 2, 1]);
    expect(sets.every((s) => s.findings.length === 0)).toBe(true);
    expect(r.interchanges[0]!.groups[0]!.findings).toEqual([]);
  });
});

describe('835 writer', () => {
  const remit: Remittance835 = {
    payer: { name: 'TANDEM HEALTH PLAN', id: 'TANDEM' }, payee: { name: 'RIVERSIDE MEDICAL', npi: '1234567893', taxId: '990000002' },
    paymentDate: '2026-06-30', traceNumber: '202606300000001', totalPaidCents: 8_300, method: 'ACH',
    claims: [{
      patientControlNumber: 'PCN-1', status: '1', chargeCents: 20_000, paidCents: 8_300, patientRespCents: 2_500, filingIndicator: 'CI', payerClaimControlNumber: '2026000000001',
      facilityCode: '11', frequencyCode: '1', patient: { lastName: 'LOVELACE', firstName: 'ADA', memberId: 'TM1' }, adjustments: [],
      lines: [{ procedure: { qualifier: 'HC', code: '99213', modifiers: [] }, chargeCents: 20_000, paidCents: 8_300, units: '1', serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02', allowedCents: 10_800, adjustments: [{ group: 'CO', reason: '45', amountCents: 9_200 }, { group: 'PR', reason: '3', amountCents: 2_500 }], remarks: ['N130'] }],
    }],
    providerAdjustments: [],
  };
  it('round-trips and balances', () => {
    const r = read835(write835([remit], opts));
    expect(r.findings).toEqual([]);
    expect(r.remits).toEqual([remit]);
  });
  it('refuses to write money that does not balance', () => {
    expect(() => write835([{ ...remit, totalPaidCents: 1 }], opts)).toThrow(/BPR02/);
  });
});

describe('stream837', () => {
  it('reads the same sets from 7-byte chunks as from the whole file', async () => {
    const file = fileURLToPath(new URL('../test-fixtures/837P/imsweb__x12_multiple_transactions.txt', import.meta.url));
    const text = readFileSync(file, 'latin1');
    async function* chunks() {
      for (let i = 0; i < text.length; i += 7) yield Buffer.from(text.slice(i, i + 7), 'latin1');
    }
    const streamed = [];
    for await (const s of stream837(chunks())) streamed.push(s.set);
    const whole = read837(text).interchanges.flatMap((i) => i.groups.flatMap((g) => g.transactionSets));
    expect(streamed.map((s) => s.claims.length)).toEqual(whole.map((s) => s.claims.length));
    expect(streamed.map((s) => s.claims.map(strip))).toEqual(whole.map((s) => s.claims.map(strip)));
  });
});
