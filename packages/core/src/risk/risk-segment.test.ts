import { describe, expect, it } from 'vitest';
import { chooseCommunitySegment } from './risk-segment.ts';

describe('chooseCommunitySegment', () => {
  it('splits by dual status (full 02/04/08, partial 01/03/05/06) and by age 65', () => {
    const seg = (age: number, dualStatus: string | null) => chooseCommunitySegment({ age, dualStatus, medicareStatuses: [] }).segment;
    expect([seg(70, null), seg(70, '00'), seg(70, '09'), seg(70, '02'), seg(70, '04'), seg(70, '08'), seg(70, '01'), seg(70, '03'), seg(70, '05'), seg(70, '06')])
      .toEqual(['CNA', 'CNA', 'CNA', 'CFA', 'CFA', 'CFA', 'CPA', 'CPA', 'CPA', 'CPA']);
    expect([seg(64, null), seg(64, '02'), seg(64, '01'), seg(65, '02')]).toEqual(['CND', 'CFD', 'CPD', 'CFA']);
  });

  it('marks the disabled under 65 and the aged who were disabled earlier with OREC 1', () => {
    expect(chooseCommunitySegment({ age: 60, dualStatus: null, medicareStatuses: ['20'] }).orec).toBe('1');
    expect(chooseCommunitySegment({ age: 66, dualStatus: null, medicareStatuses: ['20', '10'] })).toMatchObject({ segment: 'CNA', orec: '1' });
    expect(chooseCommunitySegment({ age: 66, dualStatus: null, medicareStatuses: ['10'] }).orec).toBe('0');
    expect(chooseCommunitySegment({ age: 70, dualStatus: '02', medicareStatuses: ['11'] }).why).toContain('ESRD');
  });
});
