import { describe, expect, it } from 'vitest';
import type { HccTables } from './hcc-model.ts';
import { recaptureGaps } from './recapture.ts';

// A slice of V28: diabetes 36 > 37 > 38, heart failure 224 > 226, stroke 249 (acute), COPD 280.
const tables: HccTables = {
  dxToCc: new Map(),
  hierarchy: new Map([['36', ['37', '38']], ['37', ['38']], ['224', ['226']]]),
  coefficients: new Map([['CNA_HCC37', 166], ['CNA_HCC226', 360], ['CNA_HCC280', 319], ['CND_HCC280', 330]]),
  edits: new Map(),
  labels: new Map([['37', 'Diabetes with Chronic Complications'], ['226', 'Heart Failure, Except End-Stage and Acute'], ['280', 'COPD'], ['249', 'Stroke']]),
};

describe('recapture gaps', () => {
  it('lists chronic HCCs of last year not supported this year, with what they are worth', () => {
    const gaps = recaptureGaps(tables, [
      { memberKey: 'm2', segment: 'CND', priorHccs: ['280'], priorDiagnoses: [{ code: 'J449', ccs: ['280'] }], currentHccs: [] },
      {
        memberKey: 'm1', segment: 'CNA', priorHccs: ['37', '226', '249', '280'],
        priorDiagnoses: [{ code: 'E1122', ccs: ['37'] }, { code: 'I5022', ccs: ['226'] }, { code: 'I639', ccs: ['249'] }, { code: 'J449', ccs: ['280'] }],
        // 38 is lower than 37 (severity not documented again: still a gap); 224 outranks 226 (supported); 280 recaptured.
        currentHccs: ['38', '224', '280'],
      },
    ]);
    expect(gaps).toEqual([
      { memberKey: 'm1', hcc: '37', label: 'Diabetes with Chronic Complications', priorDiagnoses: ['E1122'], coefficient: '0.166', codedThisYearAs: '38' },
      { memberKey: 'm2', hcc: '280', label: 'COPD', priorDiagnoses: ['J449'], coefficient: '0.330', codedThisYearAs: null },
    ]);
  });

  it('never lists acute conditions, and honours a contract list of acute HCCs', () => {
    const m = { memberKey: 'm', segment: 'CNA' as const, priorHccs: ['249', '280'], priorDiagnoses: [], currentHccs: [] };
    expect(recaptureGaps(tables, [m]).map((g) => g.hcc)).toEqual(['280']);
    expect(recaptureGaps(tables, [m], new Set(['280'])).map((g) => g.hcc)).toEqual(['249']);
  });
});
