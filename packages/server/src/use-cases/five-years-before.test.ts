import { describe, expect, it } from 'vitest';
import { fiveYearsBefore } from './bulk-export.ts';

describe('the Payer-to-Payer five-year window (42 CFR 422.121(b)(4)(ii))', () => {
  it('starts five years before the request day, never later on 29 February, never before 2016', () => {
    expect(fiveYearsBefore('2026-06-30T12:00:00.000Z')).toBe('2021-06-30');
    // 2019-02-29 does not exist: the 28th keeps the window at least five years long.
    expect(fiveYearsBefore('2024-02-29T08:00:00.000Z')).toBe('2019-02-28');
    // CMS-0057-F's floor for every access API.
    expect(fiveYearsBefore('2020-03-01T00:00:00.000Z')).toBe('2016-01-01');
  });
});
