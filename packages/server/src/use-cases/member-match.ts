/**
 * HRex `Patient/$member-match` for Payer-to-Payer exchange: a new payer sends the member's
 * demographics, the coverage we held and the member's Consent; we answer the member's
 * identifier on our side only when exactly one member matches, the Consent permits disclosure
 * to the requester now, and the member opted in to Payer-to-Payer exchange with us.
 * https://hl7.org/fhir/us/davinci-hrex/STU1.1/OperationDefinition-member-match.html
 * (CMS-0057-F, 42 CFR 422.121(c): Payer-to-Payer needs the member's opt-in.)
 */
import { answeringPayer, TandemError, type AccessContext } from '@tandem/core';
import { SYSTEM } from '@tandem/fhir';
import { getAccessChoices, matchMembers, recordAudit, type Db } from '@tandem/store';

type Resource = Record<string, unknown>;
export interface Parameters { resourceType: 'Parameters'; parameter?: Array<{ name: string; resource?: Resource; part?: Parameters['parameter'] }> }

const HREX_POLICIES = ['http://hl7.org/fhir/us/davinci-hrex/StructureDefinition-hrex-consent.html#regular', 'http://hl7.org/fhir/us/davinci-hrex/StructureDefinition-hrex-consent.html#sensitive'];

export type MemberMatchResult =
  | { readonly outcome: 'matched'; readonly parameters: Resource }
  | { readonly outcome: 'no-match' | 'consent-constrained'; readonly reason: string };

function part(p: Parameters, name: string, type: string, required: boolean, where: string): Resource | undefined {
  const r = p.parameter?.find((x) => x.name === name)?.resource;
  if (!r) {
    if (required) throw new TandemError('INVALID_REQUEST', `${where}the parameter ${name} (a ${type}) is required`);
    return undefined;
  }
  if (r['resourceType'] !== type) throw new TandemError('INVALID_REQUEST', `${where}${name} must be a ${type}, not ${String(r['resourceType'])}`);
  return r;
}

/** The parts of one member's request: HRex $member-match, or one MemberBundle of PDex $bulk-member-match. */
export interface MemberRequest {
  readonly patient: Resource;
  readonly coverage: Resource;
  readonly consent: Resource;
}

export type MemberDecision =
  | { readonly outcome: 'matched'; readonly member: { key: string; member_id: string; payer_org_id: string }; readonly consentPeriod: { start: string | null; end: string | null } }
  | { readonly outcome: 'no-match'; readonly reason: string; readonly candidates: number }
  | { readonly outcome: 'consent-constrained'; readonly member: { key: string; member_id: string; payer_org_id: string }; readonly reason: string };

/** Reads the parts of a Parameters (or of one MemberBundle's `part` list); refuses what is missing or mistyped. */
export function memberRequestOf(parts: Parameters['parameter'], where: string): MemberRequest {
  const p: Parameters = { resourceType: 'Parameters', parameter: parts ?? [] };
  const patient = part(p, 'MemberPatient', 'Patient', true, where)!;
  const coverage = part(p, 'CoverageToMatch', 'Coverage', true, where)!;
  part(p, 'CoverageToLink', 'Coverage', false, where);
  const consent = part(p, 'Consent', 'Consent', true, where)!;
  const name = (patient['name'] as Array<{ family?: string; given?: string[] }> | undefined)?.[0];
  const birthDate = patient['birthDate'] as string | undefined;
  if (!name?.family || !name.given?.[0] || !birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw new TandemError('INVALID_REQUEST', `${where}MemberPatient needs name.family, name.given and a full birthDate`);
  return { patient, coverage, consent };
}

/**
 * One member's decision, the same for the single and the bulk operation (PDex: "the consent
 * decision logic is the same for Single Member Match and Bulk Member Match"): exactly one
 * member of the answering payer (`payerOrgId`, see core answeringPayer) matches exactly, the
 * HRex Consent is active, a permit, under an HRex policy and in its period today, and the member
 * opted in to Payer-to-Payer with us. Another payer's members on the same server are never
 * candidates: not even to make a match ambiguous.
 */
export async function decideMember(db: Db, r: MemberRequest, today: string, payerOrgId: string): Promise<MemberDecision> {
  const name = (r.patient['name'] as Array<{ family: string; given: string[] }>)[0]!;
  const g = r.patient['gender'];
  const gender = g === 'male' ? 'M' : g === 'female' ? 'F' : g === undefined ? undefined : 'U';
  const memberId = (r.coverage['subscriberId'] as string | undefined) ?? (r.coverage['identifier'] as Array<{ value?: string }> | undefined)?.[0]?.value;
  const candidates = await matchMembers(db, { family: name.family, given: name.given[0]!, birthDate: r.patient['birthDate'] as string, gender, memberId, payerOrgIds: [payerOrgId] });
  if (candidates.length !== 1) return { outcome: 'no-match', candidates: candidates.length, reason: candidates.length === 0 ? 'no member matches' : 'more than one member matches; nothing is disclosed' };
  const m = candidates[0]!;
  const provision = r.consent['provision'] as { type?: string; period?: { start?: string; end?: string } } | undefined;
  const policies = ((r.consent['policy'] as Array<{ uri?: string }> | undefined) ?? []).map((x) => x.uri ?? '');
  const period = provision?.period;
  const consentOk = r.consent['status'] === 'active' && provision?.type === 'permit' && policies.some((u) => HREX_POLICIES.includes(u))
    && (!period?.start || period.start.slice(0, 10) <= today) && (!period?.end || today <= period.end.slice(0, 10));
  const optedIn = (await getAccessChoices(db, m.key)).payerToPayerOptIn;
  if (!consentOk || !optedIn) return { outcome: 'consent-constrained', member: m, reason: !consentOk ? 'the Consent is not active, not a permit, not an HRex policy, or outside its period' : 'the member has not opted in to Payer-to-Payer exchange' };
  return { outcome: 'matched', member: m, consentPeriod: { start: period?.start?.slice(0, 10) ?? null, end: period?.end?.slice(0, 10) ?? null } };
}

/** Only another payer's system or staff asks (Payer-to-Payer); a member's app or a provider does not. */
export function assertPayerRequester(ctx: AccessContext, operation: string): void {
  if (ctx.orgKind !== 'payer' || ctx.patientKey !== undefined) throw new TandemError('FORBIDDEN', `${operation} is for payers (Payer-to-Payer exchange)`);
}

export async function memberMatch(db: Db, ctx: AccessContext, body: unknown, today: string): Promise<MemberMatchResult> {
  assertPayerRequester(ctx, '$member-match');
  const p = body as Parameters;
  if (!p || p.resourceType !== 'Parameters') throw new TandemError('INVALID_REQUEST', 'the body must be a FHIR Parameters resource');
  const payer = answeringPayer(ctx);
  const d = await decideMember(db, memberRequestOf(p.parameter, ''), today, payer);
  const keys = d.outcome === 'no-match' ? [] : [d.member.key];
  // $member-match is Payer-to-Payer whoever asks: audited with that purpose.
  await recordAudit(db, { ...ctx, accessApi: 'payer-to-payer' }, { action: 'search', resourceType: 'Patient', resourceId: '$member-match', memberKeys: keys, outcome: d.outcome === 'matched' ? 'success' : 'denied', detail: { operation: 'member-match', payer, outcome: d.outcome, ...(d.outcome === 'no-match' ? { candidates: d.candidates } : {}) } });
  if (d.outcome !== 'matched') return { outcome: d.outcome, reason: d.reason };
  const m = d.member;
  return {
    outcome: 'matched',
    parameters: {
      resourceType: 'Parameters',
      parameter: [
        { name: 'MemberIdentifier', valueIdentifier: { type: { coding: [{ system: SYSTEM.v2IdentifierType, code: 'MB' }] }, system: SYSTEM.memberId, value: m.member_id } },
        { name: 'MemberId', valueReference: { reference: `Patient/${m.key}` } },
      ],
    },
  };
}
