/**
 * A prior authorization (any state: pended, approved, modified, denied, cancelled) as a Da Vinci
 * PDex Prior Authorization ExplanationOfBenefit (`use` = preauthorization), so a member's app and
 * the treating provider read it beside the claims EOBs: each item carries the X12 306 review
 * action with its reason and authorization number, the authorized period and units, and the
 * units already used by paid claims.
 *
 * http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/pdex-priorauthorization
 * https://hl7.org/fhir/us/davinci-pdex/STU2/PDexPriorAuthorization.html
 */
import type { ExplanationOfBenefit, ExplanationOfBenefitItem, Extension } from '@medplum/fhirtypes';
import { X12_306, X12_306_TEXT, type ItemAction } from '@tandem/core';
import { icd10WithDot, SYSTEM } from './identifiers.ts';
import { PAS } from './pas-request.ts';
import { DECISION_DUE_EXTENSION } from './pas-response.ts';

export const PDEX = 'http://hl7.org/fhir/us/davinci-pdex/StructureDefinition';
export const PDEX_PRIOR_AUTH_PROFILE = `${PDEX}/pdex-priorauthorization`;
const PDEX_ADJUDICATION_DISCRIMINATOR = 'http://hl7.org/fhir/us/davinci-pdex/CodeSystem/PDexAdjudicationDiscriminator';
const X12_306_SYSTEM = 'https://codesystem.x12.org/005010/306';
const X12_1338_SYSTEM = 'https://codesystem.x12.org/005010/1338';
/** Our authorization numbers (what the member's letter and the 278 response carry). */
export const PRIOR_AUTH_NUMBER_SYSTEM = 'https://tandem.health/fhir/prior-authorization-number';

export interface PriorAuthEobItem {
  readonly sequence: number;
  readonly code: string;
  readonly codeSystem: string;
  readonly modifiers: readonly string[];
  readonly placeOfService: string | null;
  readonly unitsRequested: number;
  readonly unitsApproved: number | null;
  readonly unitsUsed: number;
  readonly from: string;
  readonly to: string;
  readonly approvedFrom: string | null;
  readonly approvedTo: string | null;
  readonly action: ItemAction;
  readonly reason: string;
  readonly traceNumber: string | null;
}

export interface PriorAuthEobInput {
  readonly id: string;
  /** The request's status (pended, info-requested, approved, modified, partial, denied, not-required, cancelled). */
  readonly status: string;
  readonly priority: 'standard' | 'expedited';
  readonly receivedAt: string;
  readonly decidedAt: string | null;
  readonly dueAt: string;
  readonly updatedAt: string;
  readonly submitterRef: { readonly system: string | null; readonly value: string };
  readonly memberKey: string;
  readonly coverageId: string | null;
  readonly payer: { readonly orgId: string; readonly name: string };
  readonly provider: { readonly orgId: string; readonly name: string };
  readonly diagnoses: readonly string[];
  readonly items: readonly PriorAuthEobItem[];
}

const iso = (v: string) => new Date(v).toISOString();
const approvedAction = (a: ItemAction) => a === 'approved' || a === 'modified';

function productSystem(codeSystem: string): string {
  return codeSystem === 'cpt' ? SYSTEM.cpt : codeSystem === 'hcpcs' ? SYSTEM.hcpcs : codeSystem === 'x12-service-type' ? 'https://x12.org/codes/service-type-codes' : 'https://codesystem.x12.org/005010/1365';
}

/** The PDex reviewAction: X12 306 outcome, the authorization number once approved, and the reason (a denial's must be specific). */
function reviewAction(p: PriorAuthEobInput, i: PriorAuthEobItem): Extension {
  const code = X12_306[i.action];
  return {
    url: `${PDEX}/extension-reviewAction`,
    extension: [
      ...(approvedAction(i.action) ? [{ url: 'number', valueString: p.id }] : []),
      { url: 'reasonCode', valueCodeableConcept: { text: i.reason } },
      { url: `${PDEX}/extension-reviewActionCode`, valueCodeableConcept: { coding: [{ system: X12_306_SYSTEM, code, display: X12_306_TEXT[code] }] } },
    ],
  };
}

function item(p: PriorAuthEobInput, i: PriorAuthEobItem): ExplanationOfBenefitItem {
  const approved = approvedAction(i.action) && i.approvedFrom !== null && i.approvedTo !== null;
  const system = productSystem(i.codeSystem);
  const extension: Extension[] = [];
  if (i.traceNumber) extension.push({ url: `${PAS}/extension-itemTraceNumber`, valueIdentifier: { value: i.traceNumber } });
  if (approved) {
    extension.push({ url: `${PAS}/extension-itemPreAuthIssueDate`, valueDate: (p.decidedAt ?? p.receivedAt).slice(0, 10) });
    extension.push({ url: `${PAS}/extension-itemPreAuthPeriod`, valuePeriod: { start: i.approvedFrom!, end: i.approvedTo! } });
    extension.push({
      url: `${PAS}/extension-itemAuthorizedDetail`,
      extension: [
        { url: 'productOrServiceCode', valueCodeableConcept: { coding: [{ system, code: i.code }] } },
        { url: 'quantity', valueQuantity: { value: i.unitsApproved ?? i.unitsRequested } },
      ],
    });
  }
  const decided = i.action !== 'pended' && p.decidedAt !== null;
  return {
    sequence: i.sequence,
    ...(extension.length ? { extension } : {}),
    productOrService: { coding: [{ system, code: i.code }] },
    ...(i.modifiers.length ? { modifier: i.modifiers.map((m) => ({ coding: [{ system: SYSTEM.cpt, code: m }] })) } : {}),
    servicedPeriod: { start: i.from, end: i.to },
    ...(i.placeOfService ? { locationCodeableConcept: { coding: [{ system: SYSTEM.pos, code: i.placeOfService }] } } : {}),
    quantity: { value: i.unitsRequested },
    adjudication: [
      // The decision rides on the adjudication, as in the IG's example (PDexPriorAuth1). No dollar
      // amount is known for a prior authorization, so this one carries the review action only.
      {
        category: { coding: [{ system: SYSTEM.adjudication, code: 'submitted', display: 'Submitted Amount' }] },
        extension: [reviewAction(p, i), ...(decided ? [{ url: `${PDEX}/base-ext-when-adjudicated`, valueDateTime: iso(p.decidedAt!) }] : [])],
      },
      ...(approved ? [
        { category: { coding: [{ system: PDEX_ADJUDICATION_DISCRIMINATOR, code: 'allowedunits' }] }, value: i.unitsApproved ?? i.unitsRequested },
        { category: { coding: [{ system: PDEX_ADJUDICATION_DISCRIMINATOR, code: 'consumedunits' }] }, value: i.unitsUsed },
      ] : []),
    ],
  };
}

function outcome(status: string): ExplanationOfBenefit['outcome'] {
  return status === 'pended' || status === 'info-requested' ? 'queued' : 'complete';
}

export function priorAuthEob(p: PriorAuthEobInput): ExplanationOfBenefit {
  const approved = p.items.filter((i) => approvedAction(i.action) && i.approvedFrom && i.approvedTo);
  const from = p.items.reduce((m, i) => (i.from < m ? i.from : m), p.items[0]?.from ?? p.receivedAt.slice(0, 10));
  const to = p.items.reduce((m, i) => (i.to > m ? i.to : m), p.items[0]?.to ?? from);
  const pending = outcome(p.status) === 'queued';
  return {
    resourceType: 'ExplanationOfBenefit',
    id: p.id,
    meta: { profile: [PDEX_PRIOR_AUTH_PROFILE], lastUpdated: iso(p.updatedAt) },
    extension: [
      // X12 1338 level of service: an expedited (72-hour) review is an urgent request.
      ...(p.priority === 'expedited' ? [{ url: `${PDEX}/extension-levelOfServiceCode`, valueCodeableConcept: { coding: [{ system: X12_1338_SYSTEM, code: 'U', display: 'Urgent' }] } }] : []),
      ...(pending ? [{ url: DECISION_DUE_EXTENSION, valueDateTime: iso(p.dueAt) }] : []),
    ],
    identifier: [
      { system: PRIOR_AUTH_NUMBER_SYSTEM, value: p.id },
      { ...(p.submitterRef.system ? { system: p.submitterRef.system } : {}), value: p.submitterRef.value },
    ],
    status: p.status === 'cancelled' ? 'cancelled' : 'active',
    type: { coding: [{ system: SYSTEM.claimType, code: 'professional' }], text: 'Professional' },
    use: 'preauthorization',
    patient: { reference: `Patient/${p.memberKey}` },
    billablePeriod: { start: from, end: to },
    created: iso(p.receivedAt),
    insurer: { reference: `Organization/${p.payer.orgId}`, display: p.payer.name },
    provider: { reference: `Organization/${p.provider.orgId}`, display: p.provider.name },
    priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: p.priority === 'expedited' ? 'stat' : 'normal' }] },
    outcome: outcome(p.status),
    disposition: pending ? `${p.status === 'info-requested' ? 'More information requested' : 'Pended for clinical review'}; a decision is due by ${iso(p.dueAt)}` : `${p.status}${p.decidedAt ? ` on ${iso(p.decidedAt)}` : ''}`,
    ...(approved.length ? {
      preAuthRef: [p.id],
      preAuthRefPeriod: [{ start: approved.reduce((m, i) => (i.approvedFrom! < m ? i.approvedFrom! : m), approved[0]!.approvedFrom!), end: approved.reduce((m, i) => (i.approvedTo! > m ? i.approvedTo! : m), approved[0]!.approvedTo!) }],
    } : {}),
    careTeam: [{ sequence: 1, provider: { reference: `Organization/${p.provider.orgId}`, display: p.provider.name }, responsible: true }],
    ...(p.diagnoses.length ? {
      diagnosis: p.diagnoses.map((code, n) => ({
        sequence: n + 1, diagnosisCodeableConcept: { coding: [{ system: SYSTEM.icd10cm, code: icd10WithDot(code) }] },
        ...(n === 0 ? { type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/ex-diagnosistype', code: 'principal' }] }] } : {}),
      })),
    } : {}),
    insurance: [{ focal: true, coverage: p.coverageId ? { reference: `Coverage/${p.coverageId}` } : { display: 'no coverage on file for the service dates' } }],
    item: p.items.map((i) => item(p, i)),
  };
}
