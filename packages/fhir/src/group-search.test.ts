import type { Group } from '@medplum/fhirtypes';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupCriteria, groupMatches, hasGroupCriteria, referencedOrganizations } from './index.ts';

/** The PDex IG's own example Groups (test-fixtures/pdex). */
const example = (name: string) => JSON.parse(readFileSync(new URL(`../../server/test-fixtures/pdex/${name}`, import.meta.url), 'utf8')) as Group;
const MATCH = example('Group-07e72a15407547bf9d03f522aa536a72.1.json');
const NO_MATCH = example('Group-example-pdex-member-no-match-group.json');
const OPT_OUT = example('Group-member-opt-out-group-001.json');
const CS = 'http://hl7.org/fhir/us/davinci-pdex/CodeSystem/PdexMultiMemberMatchResultCS';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const BASE = 'https://tandem.example/fhir';

const matches = (g: Group, q: Record<string, string | string[]>, aliases = new Map()) => groupMatches(g, groupCriteria(q, BASE), aliases);

describe('Group search criteria (PDex Provider Access and Payer-to-Payer)', () => {
  it('matches code as a token: code, system|code, |code; commas OR, repetitions AND', () => {
    expect(matches(MATCH, { code: 'match' })).toBe(true);
    expect(matches(MATCH, { code: `${CS}|match` })).toBe(true);
    expect(matches(MATCH, { code: `${CS}|` })).toBe(true);
    expect(matches(MATCH, { code: 'http://other|match' })).toBe(false);
    expect(matches(MATCH, { code: '|match' })).toBe(false); // the example's code has a system
    expect(matches(MATCH, { code: 'nomatch' })).toBe(false);
    expect(matches(NO_MATCH, { code: 'nomatch' })).toBe(true);
    expect(matches(MATCH, { code: 'nomatch,match' })).toBe(true);
    expect(matches(MATCH, { code: ['nomatch,match', 'match'] })).toBe(true);
    expect(matches(MATCH, { code: ['match', 'nomatch'] })).toBe(false);
  });

  it('matches characteristic and identifier on what the Group carries (a no-match Group has no characteristic)', () => {
    expect(matches(MATCH, { characteristic: 'match' })).toBe(true);
    expect(matches(NO_MATCH, { characteristic: 'nomatch' })).toBe(false);
    expect(matches(OPT_OUT, { characteristic: `${CS}|consentconstraint` })).toBe(true);
    expect(matches(MATCH, { identifier: `${NPI}|0123456789` })).toBe(true);
    expect(matches(MATCH, { identifier: '0123456789' })).toBe(true);
    expect(matches(MATCH, { identifier: '9999999999' })).toBe(false);
  });

  it('matches characteristic-value-reference literally, by the identifiers of the Organization searched for, or with :identifier', () => {
    // The example's valueReference is logical (the requester's NPI): it names whichever Organization has that NPI.
    const aliases = new Map([['Organization/org-new-payer', [{ system: NPI, value: '0123456789' }]], ['Organization/org-other', [{ system: NPI, value: '1111111111' }]]]);
    expect(matches(MATCH, { 'characteristic-value-reference': 'Organization/org-new-payer' }, aliases)).toBe(true);
    expect(matches(MATCH, { 'characteristic-value-reference': 'org-new-payer' }, aliases)).toBe(true);
    expect(matches(MATCH, { 'characteristic-value-reference': `${BASE}/Organization/org-new-payer` }, aliases)).toBe(true);
    expect(matches(MATCH, { 'characteristic-value-reference': 'Organization/org-other' }, aliases)).toBe(false);
    expect(matches(MATCH, { 'characteristic-value-reference': 'Organization/org-new-payer' })).toBe(false); // no identifiers known for it
    expect(matches(MATCH, { 'characteristic-value-reference:identifier': `${NPI}|0123456789` })).toBe(true);
    expect(matches(MATCH, { 'characteristic-value-reference:identifier': `${NPI}|1111111111` })).toBe(false);
    // A literal reference, as a provider's match Group carries its organization.
    const literal: Group = { ...MATCH, characteristic: [{ ...MATCH.characteristic![0]!, valueReference: { reference: 'Organization/org-prov-1' } }] };
    expect(matches(literal, { 'characteristic-value-reference': 'Organization/org-prov-1' })).toBe(true);
    expect(matches(literal, { 'characteristic-value-reference': 'org-prov-1' })).toBe(true);
    expect(matches(literal, { 'characteristic-value-reference': 'Patient/org-prov-1' })).toBe(false);
    expect(matches(literal, { 'characteristic-value-reference': 'https://elsewhere.example/fhir/Organization/org-prov-1' })).toBe(false);
    // The opt-out Group's characteristic value is a CodeableConcept: no reference to match.
    expect(matches(OPT_OUT, { 'characteristic-value-reference': 'Organization/org-prov-1' })).toBe(false);
    expect(referencedOrganizations(groupCriteria({ 'characteristic-value-reference': ['Organization/a', 'b', 'Patient/c'] }, BASE))).toEqual(['a', 'b']);
  });

  it('says when no criterion is given, and refuses malformed values with the parameter named', () => {
    expect(hasGroupCriteria(groupCriteria({}, BASE))).toBe(false);
    expect(hasGroupCriteria(groupCriteria({ code: 'match' }, BASE))).toBe(true);
    expect(() => groupCriteria({ code: '' }, BASE)).toThrow(/code/);
    expect(() => groupCriteria({ code: 'a|b|c' }, BASE)).toThrow(/code/);
    expect(() => groupCriteria({ 'characteristic-value-reference': 'not a reference' }, BASE)).toThrow(/characteristic-value-reference/);
    expect(() => groupCriteria({ 'characteristic-value-reference': `${BASE}/Organization` }, BASE)).toThrow(/characteristic-value-reference/);
    expect(() => groupCriteria({ 'characteristic-value-reference:identifier': '|' }, BASE)).toThrow(/identifier/);
  });
});
