/** RemittanceAdvice (domain) → Remittance835 (X12 005010X221A1 model). */
import type { RemittanceAdvice } from '@tandem/core';
import type { Remittance835 } from '@tandem/x12';

export function remittance835From(advice: RemittanceAdvice, payer: { name: string; id: string }, paymentDate: string, traceNumber: string): Remittance835 {
  return {
    payer: { name: payer.name, id: payer.id },
    payee: { name: advice.payeeName, npi: advice.payeeNpi, ...(advice.payeeTin ? { taxId: advice.payeeTin } : {}) },
    paymentDate,
    traceNumber,
    totalPaidCents: advice.totalPaidCents,
    method: advice.totalPaidCents > 0 ? 'ACH' : 'NON',
    claims: advice.claims.map((c) => ({
      patientControlNumber: c.patientControlNumber,
      status: c.statusCode,
      chargeCents: c.billedCents,
      paidCents: c.paidCents,
      patientRespCents: c.patientRespCents,
      filingIndicator: c.filingIndicator,
      payerClaimControlNumber: c.payerClaimControlNumber,
      ...(c.facilityCode ? { facilityCode: c.facilityCode } : {}),
      frequencyCode: c.frequencyCode,
      patient: { lastName: c.patient.lastName, memberId: c.patient.memberId, ...(c.patient.firstName ? { firstName: c.patient.firstName } : {}) },
      adjustments: [],
      lines: c.lines.map((l) => ({
        procedure: l.procedureCode ? { qualifier: 'HC', code: l.procedureCode, modifiers: [...l.modifiers] } : null,
        ...(l.revenueCode ? { revenueCode: l.revenueCode } : {}),
        chargeCents: l.billedCents,
        paidCents: l.paidCents,
        units: l.units,
        serviceDateFrom: l.serviceDateFrom,
        serviceDateTo: l.serviceDateTo,
        allowedCents: l.allowedCents,
        adjustments: l.adjustments.map((a) => ({ group: a.group, reason: a.carc, amountCents: a.amountCents })),
        remarks: [...l.remarks],
      })),
    })),
    providerAdjustments: [],
  };
}
