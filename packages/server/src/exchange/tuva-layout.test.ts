/** The Tuva row readers' exact parts: decimal text to cents without floats, calendar dates, one row's problems. */
import { describe, expect, it } from 'vitest';
import { decimalToCents, isIsoDate, readEligibilityRow, readMedicalRow } from './tuva-layout.ts';

describe('decimalToCents', () => {
  it('reads plain decimals exactly and rounds past the cent half away from zero', () => {
    expect(['0', '12', '12.3', '12.34', '+3', '.5', '5.', '1018.0999999999999', '44.400000000000006', '0.005', '0.0049999', '-99.55', '-99.555', '-0.001', '9999999999999.99'].map(decimalToCents))
      .toEqual([0, 1200, 1230, 1234, 300, 50, 500, 101810, 4440, 1, 0, -9955, -9956, 0, 999_999_999_999_999]);
    expect(Object.is(decimalToCents('-0.00'), 0)).toBe(true);
  });
  it('refuses anything but a plain decimal', () => {
    expect(['', '.', '-', '1e3', '1,000', '$5', '12.3.4', ' 1', 'NaN', '0x10', '12345678901234'].map(decimalToCents)).toEqual(Array(11).fill(null));
  });
});

describe('isIsoDate', () => {
  it('takes real calendar dates written YYYY-MM-DD only', () => {
    expect(['2018-01-01', '2020-02-29', '2018-02-30', '2019-02-29', '2018-1-1', '20180101', '2018-13-01', '1850-01-01'].map(isIsoDate)).toEqual([true, true, false, false, false, false, false, false]);
  });
});

describe('row readers', () => {
  const row = (values: Record<string, string>) => (c: string) => values[c] ?? '';
  it('names every bad column of a row', () => {
    const r = readMedicalRow(row({ claim_id: 'C1', claim_line_number: '0', claim_type: 'dental', patient_id: 'p 1', claim_start_date: '2018-01-02', claim_end_date: '2018-01-01', billing_npi: '1234567890', hcpcs_code: '9921', paid_amount: '1e2', diagnosis_code_1: 'E119' }), 7);
    expect(r.row).toBeNull();
    expect(r.problems.map((p) => p.column)).toEqual(['claim_line_number', 'claim_type', 'patient_id', 'claim_end_date', 'hcpcs_code', 'billing_npi', 'paid_amount', 'diagnosis_code_type']);
  });
  it('reports a payer without the plan a payer_type needs once per file, keyed for that', () => {
    const r = readEligibilityRow(row({ patient_id: '7', gender: 'female', birth_date: '1950-01-01', enrollment_start_date: '2018-01-01', enrollment_end_date: '2018-12-31', payer_type: 'medicaid' }), 2, 'org-p', () => null);
    expect(r).toMatchObject({ row: null, patientId: '7', problems: [{ column: 'payer_type', once: 'plan:medicaid' }] });
  });
});
