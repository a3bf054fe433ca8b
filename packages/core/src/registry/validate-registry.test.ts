import { describe, expect, it } from 'vitest';
import { PROVIDER } from '../testing/index.ts';
import { organizationProblems, practitionerProblems } from './index.ts';

describe('registry validation', () => {
  it('refuses NPIs that fail the check digit', () => {
    expect(organizationProblems(PROVIDER)).toEqual([]);
    expect(organizationProblems({ ...PROVIDER, npi: '1234567890' })).toEqual([expect.stringMatching(/check digit/)]);
    expect(practitionerProblems({ id: 'p', npi: '1234567893', firstName: 'A', lastName: 'B', taxonomy: '207Q00000X', specialty: 'FM', orgId: 'o' })).toEqual([]);
    expect(practitionerProblems({ id: 'p', npi: '1234567894', firstName: 'A', lastName: 'B', taxonomy: 'nope', specialty: 'FM', orgId: 'o' })).toHaveLength(2);
  });
});
