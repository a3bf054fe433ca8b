/**
 * The public X12 corpus (test-fixtures/, provenance in SOURCES.tsv): every valid 837 is
 * accepted, every deliberately malformed one is rejected with a finding at the real defect.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build999, read835, read837, read999, type Finding } from './index.ts';

const DIR = fileURLToPath(new URL('../test-fixtures/', import.meta.url));
const negative = new Set(
  readFileSync(join(DIR, 'SOURCES.tsv'), 'utf8').split('\n').map((l) => l.split('\t')).filter((c) => c[5]?.trim() === 'negative-test').map((c) => c[0]!),
);
/**
 * Marked negative-test in shared/data, but imsweb's own tests read them with zero errors
 * (testValidLoopStructure, testAmbiguousLoop): they test parser disambiguation. Tandem accepts
 * them and notes what is wrong (AK9 'E'): reused HL ids, a 6-digit NPI, a bad taxonomy.
 */
const MISLABELED = new Set(['837P/imsweb__x12_no_errors.txt', '837P/imsweb__x12_ambiguous_loop.txt']);
/** The defect each malformed file carries, as segment id (+ element) the findings must name. */
const DEFECT: Record<string, { segmentId: string; elementPosition?: number; code?: string }> = {
  '837P/imsweb__x12_bad_first_line.txt': { segmentId: 'ISA', elementPosition: 2, code: '011' },
  '837P/imsweb__x12_bad_segment_identifier.txt': { segmentId: 'Nd4', code: 'unrecognized-segment' },
  '837P/imsweb__x12_bad_valid_code.txt': { segmentId: 'NM1', elementPosition: 1, code: 'invalid-qualifier' },
  '837P/imsweb__x12_loop_errors1_exceeds_max_1_parent.txt': { segmentId: 'NM1', code: 'loop-over-max' },
  '837P/imsweb__x12_loop_errors2_exceeds_max_repeats_multiple_parents.txt': { segmentId: 'NM1', code: 'loop-over-max' },
  '837P/imsweb__x12_loop_errors3_missing_loops.txt': { segmentId: 'NM1', code: 'required-missing' },
  '837P/imsweb__x12_missing_elements.txt': { segmentId: 'NM1', elementPosition: 2, code: 'element-1' },
  '837P/imsweb__x12_missing_required_loop_in_one_repeat.txt': { segmentId: 'NM1', code: 'required-missing' },
  '837P/imsweb__x12_missing_required_loops_mult_repeats.txt': { segmentId: 'DTP', elementPosition: 2, code: 'element-7' },
  '837P/imsweb__x12_segment_errors.txt': { segmentId: 'HI', code: 'required-missing' },
  '837P/imsweb__x12_segments_out_of_order.txt': { segmentId: 'N4', code: 'out-of-sequence' },
};

function allFindings(text: string): { errors: Finding[]; all: Finding[]; sets: number; claims: number; accepted: boolean } {
  const r = read837(text);
  const sets = r.interchanges.flatMap((i) => i.groups.flatMap((g) => g.transactionSets));
  const all = [...(r.fatal ? [r.fatal] : []), ...r.interchanges.flatMap((i) => [...i.envelopeFindings, ...i.groups.flatMap((g) => g.findings)]), ...sets.flatMap((s) => s.findings)];
  const errors = all.filter((f) => f.severity === 'error');
  return { errors, all, sets: sets.length, claims: sets.reduce((n, s) => n + s.claims.length, 0), accepted: errors.length === 0 && sets.length > 0 };
}

const files837 = ['837P', '837I'].flatMap((d) => readdirSync(join(DIR, d)).map((f) => `${d}/${f}`));

describe('837 corpus', () => {
  for (const f of files837) {
    const text = readFileSync(join(DIR, f), 'latin1');
    if (negative.has(f) && !MISLABELED.has(f)) {
      it(`rejects ${f} at its defect`, () => {
        const r = allFindings(text);
        expect(r.accepted).toBe(false);
        const want = DEFECT[f];
        expect(want, `add the expected defect of ${f}`).toBeDefined();
        const hit = r.errors.find((e) => e.segmentId === want!.segmentId && (want!.elementPosition === undefined || e.elementPosition === want!.elementPosition) && (want!.code === undefined || e.code === want!.code));
        expect(hit, JSON.stringify(r.errors.slice(0, 5), null, 1)).toBeDefined();
      });
    } else {
      it(`accepts ${f}`, () => {
        const r = allFindings(text);
        expect(r.errors, JSON.stringify(r.errors.slice(0, 3))).toEqual([]);
        expect(r.claims).toBeGreaterThan(0);
        if (MISLABELED.has(f)) expect(r.all.length).toBeGreaterThan(0);
      });
    }
  }

  it('answers a clean file with an accepting 999, and a broken one naming segment, loop and element', () => {
    const ok = read837(readFileSync(join(DIR, '837P/stupidedi__X222A1-HC837-Health-Care-Claim-Professional_pass_commercial-health-insurance.edi'), 'latin1'));
    const ack = read999(build999(ok, { senderId: 'PAYER', receiverId: 'SUBMITTER', controlNumber: 7, date: new Date('2026-01-02T03:04:00Z') }));
    expect(ack.groups).toEqual([{ functionalGroupControlNumber: expect.any(String), ak9: 'A', sets: [{ controlNumber: expect.any(String), ik5: 'A', errors: [] }] }]);
    const bad = read837(readFileSync(join(DIR, '837P/imsweb__x12_missing_elements.txt'), 'latin1'));
    const rej = read999(build999(bad, { senderId: 'PAYER', receiverId: 'SUBMITTER', controlNumber: 8, date: new Date('2026-01-02T03:04:00Z') }));
    expect(rej.groups[0]!.ak9).toBe('R');
    expect(rej.groups[0]!.sets[0]!.ik5).toBe('R');
    expect(rej.groups[0]!.sets[0]!.errors).toContainEqual({ segmentId: 'NM1', segmentPosition: 5, loop: '1000B', ik304: '8', elementPosition: 2, ik403: '1' });
    expect(rej.groups[0]!.sets[0]!.errors).toContainEqual(expect.objectContaining({ segmentId: 'CLM', loop: '2300', elementPosition: 5, ik403: '1' }));
  });

  it('reads typed claims: billing provider, subscriber, patient, diagnoses, lines', () => {
    const r = read837(readFileSync(join(DIR, '837P/stupidedi__X222A1-HC837-Health-Care-Claim-Professional_pass_commercial-health-insurance.edi'), 'latin1'));
    const c = r.interchanges[0]!.groups[0]!.transactionSets[0]!.claims[0]!;
    expect(c.billingProvider.npi).toMatch(/^\d{10}$/);
    expect(c.patientControlNumber).not.toBe('');
    expect(c.totalChargeCents).toBe(c.lines.reduce((s, l) => s + l.chargeCents, 0));
    expect(c.diagnoses.length).toBeGreaterThan(0);
    expect(c.lines[0]!.serviceDateFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const inst = read837(readFileSync(join(DIR, '837I/lfh__demo.837i'), 'latin1')).interchanges[0]!.groups[0]!.transactionSets[0]!;
    expect(inst.kind).toBe('institutional');
    expect(inst.claims[0]!.lines[0]!.revenueCode).toBe('0305');
    expect(inst.claims[0]!.typeOfBill).toBe('141');
  });

  it('finds the known upstream 835 defect and balances the rest', () => {
    for (const f of readdirSync(join(DIR, '835'))) {
      const r = read835(readFileSync(join(DIR, '835', f), 'latin1'));
      const errors = r.findings.filter((x) => x.severity === 'error');
      if (f === 'lfh__tertiary-payment.835') expect(errors.map((e) => e.code)).toContain('svc-unbalanced');
      expect(r.remits.length, f).toBeGreaterThan(0);
    }
  });

  it('never throws, whatever the input', () => {
    for (const junk of ['', 'hello', 'ISA*', 'ISA*00*'.padEnd(300, '*'), '\ufeff   ISA'])
      expect(() => read837(junk)).not.toThrow();
    expect(read837('hello').fatal?.message).toMatch(/not an X12 interchange/);
    const v4010 = readFileSync(join(DIR, '837P/imsweb__x12_valid.txt'), 'latin1').replace('*00501*', '*00401*');
    expect(read837(v4010).fatal?.message).toMatch(/4010 .*not supported/);
  });
});
