/**
 * The Groups of Da Vinci PDex Provider Access: the three answers of `$provider-member-match`
 * (matched, not matched, consent-constrained) and the payer's member opt-out Group.
 * https://hl7.org/fhir/us/davinci-pdex/OperationDefinition-ProviderMemberMatch.html
 * https://hl7.org/fhir/us/davinci-pdex/StructureDefinition-pdex-member-opt-out.html
 */
import type { Group } from '@medplum/fhirtypes';
import { SYSTEM } from './identifiers.ts';

const PDEX = 'http://hl7.org/fhir/us/davinci-pdex';
const RESULT_CS = `${PDEX}/CodeSystem/PdexMultiMemberMatchResultCS`;
const RESULT_DISPLAY = { match: 'Matched', nomatch: 'Not Matched', consentconstraint: 'Consent Constraint' } as const;
export type MatchResultCode = keyof typeof RESULT_DISPLAY;
/** The identifier system of a `$provider-member-match` Group's id (its other identifier is the provider's NPI). */
export const PROVIDER_MATCH_ID_SYSTEM = 'https://tandem.health/fhir/provider-match';

export interface MatchGroupInput {
  readonly id: string;
  readonly code: MatchResultCode;
  readonly provider: { readonly id: string; readonly npi: string | null; readonly name: string };
  /** The day of the match (characteristic period start). */
  readonly date: string;
  /** `Patient/{member key}` for matched members; the requester's own Patient reference for the others (nothing of ours is disclosed). */
  readonly members: ReadonlyArray<{ readonly reference: string; readonly display?: string; readonly period?: { start: string; end: string } }>;
}

/** One of the `$provider-member-match` result Groups (PDex provider-parameters-multi-member-match-bundle-out). */
export function matchResultGroup(g: MatchGroupInput): Group {
  const coding = [{ system: RESULT_CS, code: g.code, display: RESULT_DISPLAY[g.code] }];
  const providerRef = { reference: `Organization/${g.provider.id}`, ...(g.provider.npi ? { identifier: { system: SYSTEM.npi, value: g.provider.npi } } : {}), display: g.provider.name };
  return {
    resourceType: 'Group', id: g.id,
    ...(g.code === 'consentconstraint' ? { meta: { profile: [`${PDEX}/StructureDefinition/pdex-member-opt-out`] } } : {}),
    identifier: [{ system: PROVIDER_MATCH_ID_SYSTEM, value: g.id }, ...(g.provider.npi ? [{ system: SYSTEM.npi, value: g.provider.npi }] : [])],
    active: true, type: 'person', actual: true, code: { coding },
    characteristic: [{
      code: { coding }, exclude: false, period: { start: g.date },
      ...(g.code === 'match' ? { valueReference: providerRef } : g.code === 'nomatch' ? { valueBoolean: true } : { valueCodeableConcept: { coding: [{ system: `${PDEX}/CodeSystem/opt-out-scope`, code: 'purpose-specific', display: 'Purpose-Specific Opt-Out' }] } }),
    }],
    quantity: g.members.length,
    member: g.members.map((m) => ({ entity: { reference: m.reference, ...(m.display ? { display: m.display } : {}) }, ...(m.period ? { period: m.period } : {}), inactive: false })),
  };
}

export interface OptOutGroupInput {
  readonly payer: { readonly id: string; readonly name: string };
  readonly members: ReadonlyArray<{ readonly key: string; readonly memberId: string; readonly since: string }>;
}

/** The id the payer's opt-out Group is read at (`GET /fhir/Group/member-opt-out`). */
export const OPT_OUT_GROUP_ID = 'member-opt-out';

/**
 * The payer's Provider Access opt-out list as a PDex member opt-out Group. Tandem's opt-out is
 * from Provider Access as a whole (CMS-0057-F: every provider, Payer-to-Payer is a separate
 * choice), hence the scope `purpose-specific` rather than `global` (all data sharing) or
 * `provider-specific`; each member's period starts when the choice was recorded.
 */
export function memberOptOutGroup(g: OptOutGroupInput): Group {
  const coding = [{ system: RESULT_CS, code: 'consentconstraint', display: RESULT_DISPLAY.consentconstraint }];
  return {
    resourceType: 'Group', id: OPT_OUT_GROUP_ID,
    meta: { profile: [`${PDEX}/StructureDefinition/pdex-member-opt-out`] },
    identifier: [{ system: 'https://tandem.health/fhir/opt-out-group', value: g.payer.id }],
    active: true, type: 'person', actual: true, code: { coding },
    characteristic: [{ code: { coding }, exclude: false, valueCodeableConcept: { coding: [{ system: `${PDEX}/CodeSystem/opt-out-scope`, code: 'purpose-specific', display: 'Purpose-Specific Opt-Out' }] } }],
    managingEntity: { reference: `Organization/${g.payer.id}`, display: g.payer.name },
    quantity: g.members.length,
    member: g.members.map((m) => ({ entity: { reference: `Patient/${m.key}`, identifier: { system: SYSTEM.memberId, value: m.memberId } }, period: { start: m.since }, inactive: false })),
  };
}
