/**
 * CMS-HCC V28 with the shipped tables: the published test vector exactly, and one
 * hand-built case for every rule (edits, heart patch, hierarchy, interactions, counts,
 * originally disabled, institutional disabled interactions, new enrollees, rounding).
 */
import { ageOnFebruaryFirst, paymentScore, scoreHcc, type HccInput } from '@tandem/core';
import { describe, expect, it } from 'vitest';
import { HCC_PARAMETERS_DEFAULT, loadHccV28 } from './hcc-v28.ts';

const t = loadHccV28();
const score = (i: Partial<HccInput> & { diagnoses: string[] }) => scoreHcc(t, { age: 70, sex: 'M', segment: 'CNA', ...i }, HCC_PARAMETERS_DEFAULT);
const terms = (s: ReturnType<typeof score>) => Object.fromEntries(s.terms.map((x) => [x.variable, x.coefficient]));

describe('CMS-HCC V28', () => {
  it('reproduces the published vector: male 70, CNA, E1169 I5030 I509 I211 I209 R05', () => {
    const s = score({ diagnoses: ['E1169', 'I5030', 'I509', 'I211', 'I209', 'R05'] });
    expect(terms(s)).toEqual({ M70_74: '0.396', HCC37: '0.166', HCC226: '0.360', DIABETES_HF_V28: '0.112', D2: '0.000' });
    expect(s.raw).toBe('1.034');
    expect(s.payment).toBe('0.9586');
    expect(s.diagnoses.find((d) => d.code === 'I211')).toMatchObject({ ccs: [], note: 'maps to no payment HCC in V28' });
    // Adding A4154 (sepsis, HCC2 0.500): raw 1.534.
    expect(score({ diagnoses: ['E1169', 'I5030', 'I509', 'I211', 'I209', 'R05', 'A41.54'] }).raw).toBe('1.534');
  });

  it('applies hierarchies and says what they dropped', () => {
    const s = score({ diagnoses: ['E1122', 'E08649'] });
    expect(s.hccs).toEqual(['37']);
    expect(s.dropped).toEqual([{ cc: '38', by: 'hierarchy under HCC37' }]);
  });

  it('drops CC223 without another heart-failure CC (heart patch), keeps it with one', () => {
    expect(score({ diagnoses: ['T82512A'] }).dropped[0]).toMatchObject({ cc: '223', by: expect.stringContaining('heart patch') });
    expect(score({ diagnoses: ['T82512A', 'I5030'] }).dropped.map((d) => d.cc)).not.toContain('223');
  });

  it('applies age and sex edits', () => {
    expect(score({ age: 10, segment: 'CND', orec: '1', diagnoses: ['J410'] }).diagnoses[0]).toMatchObject({ ccs: [], note: expect.stringContaining('invalid if age < 18') });
    expect(score({ age: 45, sex: 'F', segment: 'CND', orec: '1', diagnoses: ['C50011'] }).hccs).toEqual(['22']);
    expect(score({ sex: 'F', diagnoses: ['D66'] }).hccs).toEqual(['112']);
  });

  it('adds interactions and the payment-HCC count', () => {
    const s = score({ diagnoses: ['I5030', 'J449', 'N184', 'E1122', 'F1020'] });
    expect(terms(s)).toMatchObject({ HF_CHR_LUNG_V28: '0.078', HF_KIDNEY_V28: '0.176', DIABETES_HF_V28: '0.112', D5: '0.050' });
  });

  it('adds originally disabled, institutional disabled interactions and new-enrollee cells', () => {
    expect(terms(score({ orec: '1', diagnoses: [] }))).toEqual({ M70_74: '0.396', OriginallyDisabled_Male: '0.135' });
    expect(terms(score({ age: 50, segment: 'INS', orec: '1', diagnoses: ['I5030'] }))).toMatchObject({ M45_54: '0.991', DISABLED_HF_V28: '0.488' });
    const ne = score({ age: 67, sex: 'F', segment: 'NE', diagnoses: ['I5030'] });
    expect(terms(ne)).toEqual({ NMCAID_NORIGDIS_NEF67: '0.557' });
  });

  it('computes age on February 1 and rounds payment scores half up', () => {
    expect(ageOnFebruaryFirst('1956-02-01', 2026)).toBe(70);
    expect(ageOnFebruaryFirst('1956-02-02', 2026)).toBe(69);
    expect(paymentScore(1034, { normalization: '1.015', codingIntensity: '0.059' })).toBe('0.9586');
    expect(paymentScore(1000, { normalization: '1', codingIntensity: '0' })).toBe('1.0000');
  });
});
