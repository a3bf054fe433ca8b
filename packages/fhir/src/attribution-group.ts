/**
 * An attribution roster as a Da Vinci ATR Group (member attribution list): one Group per
 * contract, members with their change since the previous run and the attributed
 * organization. http://hl7.org/fhir/us/davinci-atr/StructureDefinition/atr-group
 */
import type { Group } from '@medplum/fhirtypes';
import { SYSTEM } from './identifiers.ts';

const ATR = 'http://hl7.org/fhir/us/davinci-atr/StructureDefinition';

export interface RosterInput {
  readonly contractId: string;
  readonly contractName: string;
  readonly payerOrgId: string;
  readonly providerOrgId: string;
  readonly contractFrom: string;
  readonly contractTo: string | null;
  readonly run: { id: string; windowFrom: string; windowTo: string; createdAt: string } | null;
  readonly members: ReadonlyArray<{ key: string; memberId: string; change: 'new' | 'change' | 'nochange' }>;
}

export function attributionGroup(r: RosterInput): Group {
  return {
    resourceType: 'Group', id: r.contractId,
    meta: { profile: [`${ATR}/atr-group`], ...(r.run ? { lastUpdated: r.run.createdAt } : {}) },
    extension: [
      { url: `${ATR}/ext-contractValidityPeriod`, valuePeriod: { start: r.contractFrom, ...(r.contractTo ? { end: r.contractTo } : {}) } },
      { url: `${ATR}/ext-attributionListStatus`, valueCode: r.run ? 'final' : 'draft' },
    ],
    identifier: [{ system: 'https://tandem.health/fhir/contract', value: r.contractId }, ...(r.run ? [{ system: 'https://tandem.health/fhir/attribution-run', value: r.run.id }] : [])],
    active: true, type: 'person', actual: true, name: r.contractName,
    managingEntity: { reference: `Organization/${r.payerOrgId}` },
    quantity: r.members.length,
    member: r.members.map((m) => ({
      entity: { reference: `Patient/${m.key}`, identifier: { system: SYSTEM.memberId, value: m.memberId } },
      ...(r.run ? { period: { start: r.run.windowFrom, end: r.run.windowTo } } : {}),
      extension: [
        { url: `${ATR}/ext-changeType`, valueCode: m.change },
        { url: `${ATR}/ext-attributedProvider`, valueReference: { reference: `Organization/${r.providerOrgId}` } },
      ],
    })),
  };
}
