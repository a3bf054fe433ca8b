/**
 * HRex `Patient/$member-match` for Payer-to-Payer exchange: a new payer sends the member's
 * demographics, the coverage we held and the member's Consent; we answer the member's
 * identifier on our side only when exactly one member matches, the Consent permits disclosure
 * to the requester now, and the member opted in to Payer-to-Payer exchange with us.
 * https://hl7.org/fhir/us/davinci-hrex/STU1.1/OperationDefinition-member-match.html
 * (CMS-0057-F, 42 CFR 422.121(c): Payer-to-Payer needs the member's opt-in.)
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { SYSTEM } from '@tandem/fhir';
import { getAccessChoices, matchMembers, recordAudit, type Db } from '@tandem/store';

type Resource = Record<string, unknown>;
interface Parameters { resourceType: 'Parameters'; parameter?: Array<{ name: string; resource?: Resource }> }

const HREX_POLICIES = ['http://hl7.org/fhir/us/davinci-hrex/StructureDefinition-hrex-consent.html#regular', 'http://hl7.org/fhir/us/davinci-hrex/StructureDefinition-hrex-consent.html#sensitive'];

export type MemberMatchResult =
  | { readonly outcome: 'matched'; readonly parameters: Resource }
  | { readonly outcome: 'no-match' | 'consent-constrained'; readonly reason: string };

function part(p: Parameters, name: string, type: string, required: boolean): Resource | undefined {
  const r = p.parameter?.find((x) => x.name === name)?.resource;
  if (!r) {
    if (required) throw new TandemError('INVALID_REQUEST', `$member-match needs the parameter ${name} (a ${type})`);
    return undefined;
  }
  if (r['resourceType'] !== type) throw new TandemError('INVALID_REQUEST', `${name} must be a ${type}, not ${String(r['resourceType'])}`);
  return r;
}

export async function memberMatch(db: Db, ctx: AccessContext, body: unknown, today: string): Promise<MemberMatchResult> {
  if (ctx.orgKind !== 'payer' || ctx.patientKey !== undefined) throw new TandemError('FORBIDDEN', '$member-match is for payers (Payer-to-Payer exchange)');
  const p = body as Parameters;
  if (!p || p.resourceType !== 'Parameters') throw new TandemError('INVALID_REQUEST', 'the body must be a FHIR Parameters resource');
  const patient = part(p, 'MemberPatient', 'Patient', true)!;
  const coverage = part(p, 'CoverageToMatch', 'Coverage', true)!;
  part(p, 'CoverageToLink', 'Coverage', false);
  const consent = part(p, 'Consent', 'Consent', true)!;
  const name = (patient['name'] as Array<{ family?: string; given?: string[] }> | undefined)?.[0];
  const birthDate = patient['birthDate'] as string | undefined;
  if (!name?.family || !name.given?.[0] || !birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw new TandemError('INVALID_REQUEST', 'MemberPatient needs name.family, name.given and a full birthDate');
  const g = patient['gender'];
  const gender = g === 'male' ? 'M' : g === 'female' ? 'F' : g === undefined ? undefined : 'U';
  const memberId = (coverage['subscriberId'] as string | undefined) ?? (coverage['identifier'] as Array<{ value?: string }> | undefined)?.[0]?.value;

  const candidates = await matchMembers(db, { family: name.family, given: name.given[0], birthDate, gender, memberId });
  // $member-match is Payer-to-Payer whoever asks: audited with that purpose.
  const audit = (outcome: string, keys: string[]) => recordAudit(db, { ...ctx, accessApi: 'payer-to-payer' }, { action: 'search', resourceType: 'Patient', resourceId: '$member-match', memberKeys: keys, outcome: outcome === 'matched' ? 'success' : 'denied', detail: { operation: 'member-match', outcome, candidates: candidates.length } });
  if (candidates.length !== 1) {
    await audit('no-match', []);
    return { outcome: 'no-match', reason: candidates.length === 0 ? 'no member matches' : 'more than one member matches; nothing is disclosed' };
  }
  const m = candidates[0]!;
  const provision = consent['provision'] as { type?: string; period?: { start?: string; end?: string } } | undefined;
  const policies = ((consent['policy'] as Array<{ uri?: string }> | undefined) ?? []).map((x) => x.uri ?? '');
  const period = provision?.period;
  const consentOk = consent['status'] === 'active' && provision?.type === 'permit' && policies.some((u) => HREX_POLICIES.includes(u))
    && (!period?.start || period.start <= today) && (!period?.end || today <= period.end);
  const optedIn = (await getAccessChoices(db, m.key)).payerToPayerOptIn;
  if (!consentOk || !optedIn) {
    await audit('consent-constrained', [m.key]);
    return { outcome: 'consent-constrained', reason: !consentOk ? 'the Consent is not active, not a permit, not an HRex policy, or outside its period' : 'the member has not opted in to Payer-to-Payer exchange' };
  }
  await audit('matched', [m.key]);
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
