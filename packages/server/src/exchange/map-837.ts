/**
 * 837 (X12 model) → ClaimInput (domain). The subscriber loop's member id identifies the
 * member: Tandem issues every member, dependants included, their own card id (the common
 * practice since HIPAA's unique-member-id guidance), so 2000C is read only for names.
 */
import type { ClaimInput } from '@tandem/core';
import type { Claim837 } from '@tandem/x12';

export function claimInputFrom837(c: Claim837, kind: 'professional' | 'institutional'): ClaimInput {
  const patient = c.patient ?? null;
  return {
    kind,
    billingNpi: c.billingProvider.npi,
    billingTin: c.billingProvider.taxId,
    billingName: c.billingProvider.name,
    patientControlNumber: c.patientControlNumber,
    frequencyCode: c.frequencyCode || '1',
    memberId: c.subscriber.memberId,
    patientFirstName: patient ? (patient.firstName ?? null) : (c.subscriber.firstName ?? null),
    patientLastName: patient ? patient.lastName : c.subscriber.lastName,
    patientDateOfBirth: patient ? (patient.dateOfBirth ?? null) : (c.subscriber.dateOfBirth ?? null),
    placeOfService: kind === 'professional' ? c.facilityCode || null : null,
    typeOfBill: kind === 'institutional' ? (c.typeOfBill ?? `${c.facilityCode}${c.frequencyCode}`).replace(/^0/, '') : null,
    diagnoses: c.diagnoses,
    renderingNpi: c.renderingProvider?.npi ?? c.attendingProvider?.npi ?? null,
    totalChargeCents: c.totalChargeCents,
    lines: c.lines.map((l) => ({
      lineNumber: l.lineNumber,
      procedureCode: l.procedure?.code ?? null,
      modifiers: l.procedure?.modifiers ?? [],
      revenueCode: l.revenueCode ?? null,
      units: l.units || '1',
      chargeCents: l.chargeCents,
      serviceDateFrom: l.serviceDateFrom,
      serviceDateTo: l.serviceDateTo,
      placeOfService: l.placeOfService ?? null,
      ...(l.priorAuthorization ? { priorAuthorization: l.priorAuthorization } : {}),
    })),
    ...(c.priorAuthorization ? { priorAuthorization: c.priorAuthorization } : {}),
  };
}
