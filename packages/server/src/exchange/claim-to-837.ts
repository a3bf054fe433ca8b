/**
 * ClaimInput (domain) → Claim837 (X12 model), as a provider's billing system would send
 * it: used by the generator to write the 837P/837I files that then go in through the
 * real submission path.
 */
import type { ClaimInput, Member, Organization } from '@tandem/core';
import type { Claim837 } from '@tandem/x12';

export function claim837From(c: ClaimInput, ctx: { payer: Organization; provider: Organization | null; member: Member }): Claim837 {
  const institutional = c.kind === 'institutional';
  const tob = c.typeOfBill ?? '131';
  return {
    submitter: { name: ctx.provider?.name ?? c.billingName, id: ctx.provider?.tin ?? '000000000' },
    receiver: { name: ctx.payer.name, id: ctx.payer.payerCode ?? 'TANDEM' },
    billingProvider: {
      npi: c.billingNpi, taxId: c.billingTin, name: c.billingName, entityType: '2',
      address: { line1: '100 Main Street', city: 'Springfield', state: 'IL', postalCode: '627010001' },
    },
    subscriber: {
      memberId: c.memberId, lastName: ctx.member.lastName, firstName: ctx.member.firstName, dateOfBirth: ctx.member.dateOfBirth, gender: ctx.member.gender,
      payerResponsibility: 'P', relationship: '18',
    },
    payer: { name: ctx.payer.name, id: ctx.payer.payerCode ?? 'TANDEM' },
    patientControlNumber: c.patientControlNumber,
    totalChargeCents: c.totalChargeCents,
    facilityCode: institutional ? tob.slice(0, 2) : (c.placeOfService ?? '11'),
    facilityCodeQualifier: institutional ? 'A' : 'B',
    frequencyCode: c.frequencyCode,
    ...(institutional ? { typeOfBill: tob, statementFrom: minDate(c), statementTo: maxDate(c) } : {}),
    diagnoses: c.diagnoses.map((d, i) => ({ qualifier: institutional ? (i === 0 ? 'ABK' : 'ABF') : i === 0 ? 'ABK' : 'ABF', code: d.code })),
    ...(c.renderingNpi && !institutional ? { renderingProvider: { npi: c.renderingNpi, lastName: 'PRACTITIONER' } } : {}),
    ...(c.renderingNpi && institutional ? { attendingProvider: { npi: c.renderingNpi, lastName: 'ATTENDING' } } : {}),
    lines: c.lines.map((l) => ({
      lineNumber: l.lineNumber,
      ...(l.procedureCode ? { procedure: { qualifier: 'HC', code: l.procedureCode, modifiers: [...l.modifiers] } } : {}),
      ...(l.revenueCode ? { revenueCode: l.revenueCode } : {}),
      chargeCents: l.chargeCents,
      unitType: institutional ? 'UN' : 'UN',
      units: l.units,
      ...(l.placeOfService ? { placeOfService: l.placeOfService } : {}),
      diagnosisPointers: institutional ? [] : [1],
      serviceDateFrom: l.serviceDateFrom,
      serviceDateTo: l.serviceDateTo,
      ...(l.priorAuthorization ? { priorAuthorization: l.priorAuthorization } : {}),
    })),
    ...(c.priorAuthorization ? { priorAuthorization: c.priorAuthorization } : {}),
    position: { transactionSetControlNumber: '', clmSegmentPosition: 0 },
  };
}

function minDate(c: ClaimInput): string {
  return c.lines.reduce((m, l) => (l.serviceDateFrom < m ? l.serviceDateFrom : m), c.lines[0]?.serviceDateFrom ?? '');
}
function maxDate(c: ClaimInput): string {
  return c.lines.reduce((m, l) => (l.serviceDateTo > m ? l.serviceDateTo : m), c.lines[0]?.serviceDateTo ?? '');
}
