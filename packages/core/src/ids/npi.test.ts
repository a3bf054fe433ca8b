import { describe, expect, it } from 'vitest';
import { isValidNpi, makeNpi } from './index.ts';

describe('NPI check digit', () => {
  it('accepts the CMS worked example 1234567893', () => {
    expect(isValidNpi('1234567893')).toBe(true);
    expect(isValidNpi('1234567890')).toBe(false);
  });
  it('builds valid NPIs', () => {
    expect(makeNpi('123456789')).toBe('1234567893');
    expect(isValidNpi(makeNpi('298765432'))).toBe(true);
  });
  it('rejects malformed values', () => {
    expect(isValidNpi('12345')).toBe(false);
    expect(isValidNpi('3234567893')).toBe(false);
  });
});
