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
  readonly members: ReadonlyArray<{ key: string; memberId: string; change: 'new' | 'change' | 'nochange'; period?: { start: string | null; end: string | null } | undefined }>;
  /** The provider's `$confirm-attribution-list`, and whether no change was made since. */
  readonly confirmation?: { confirmedBy: string; confirmedAt: string; current: boolean } | null;
}

/** Tandem's record of who confirmed an attribution list and when (ATR defines the operation, not where its result is shown). */
export const CONFIRMATION_EXTENSION = 'https://tandem.health/fhir/StructureDefinition/attribution-list-confirmation';

/**
 * ATR list status: `draft` before any attribution run; `open` while the provider has not
 * confirmed the run's list (or the payer changed it since); `final` once confirmed and unchanged.
 * http://hl7.org/fhir/us/davinci-atr/CodeSystem/atr-attribution-list-status
 */
export function attributionListStatus(r: Pick<RosterInput, 'run' | 'confirmation'>): 'draft' | 'open' | 'final' {
  if (!r.run) return 'draft';
  return r.confirmation?.current ? 'final' : 'open';
}

export function attributionGroup(r: RosterInput): Group {
  return {
    resourceType: 'Group', id: r.contractId,
    meta: { profile: [`${ATR}/atr-group`], ...(r.run ? { lastUpdated: r.run.createdAt } : {}) },
    extension: [
      { url: `${ATR}/ext-contractValidityPeriod`, valuePeriod: { start: r.contractFrom, ...(r.contractTo ? { end: r.contractTo } : {}) } },
      { url: `${ATR}/ext-attributionListStatus`, valueCode: attributionListStatus(r) },
      ...(r.confirmation ? [{ url: CONFIRMATION_EXTENSION, extension: [
        { url: 'confirmedBy', valueString: r.confirmation.confirmedBy }, { url: 'confirmedAt', valueDateTime: r.confirmation.confirmedAt }, { url: 'current', valueBoolean: r.confirmation.current },
      ] }] : []),
    ],
    identifier: [{ system: 'https://tandem.health/fhir/contract', value: r.contractId }, ...(r.run ? [{ system: 'https://tandem.health/fhir/attribution-run', value: r.run.id }] : [])],
    active: true, type: 'person', actual: true, name: r.contractName,
    managingEntity: { reference: `Organization/${r.payerOrgId}` },
    quantity: r.members.length,
    member: r.members.map((m) => ({
      entity: { reference: `Patient/${m.key}`, identifier: { system: SYSTEM.memberId, value: m.memberId } },
      ...(m.period ? { period: { ...(m.period.start ? { start: m.period.start } : {}), ...(m.period.end ? { end: m.period.end } : {}) } } : r.run ? { period: { start: r.run.windowFrom, end: r.run.windowTo } } : {}),
      extension: [
        { url: `${ATR}/ext-changeType`, valueCode: m.change },
        { url: `${ATR}/ext-attributedProvider`, valueReference: { reference: `Organization/${r.providerOrgId}` } },
      ],
    })),
  };
}
