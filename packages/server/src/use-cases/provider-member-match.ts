/**
 * Da Vinci PDex `Group/$provider-member-match`: a provider organization sends members
 * (demographics, coverage, and its treatment-attestation Consent); each is matched strictly
 * and the answer is three Groups — matched (a treatment relationship is stored and the Group
 * is exportable with `$davinci-data-export`), not matched (no member, an ambiguous match, or an
 * attestation that does not hold), and consent-constrained (matched but opted out of Provider
 * Access). https://hl7.org/fhir/us/davinci-pdex/OperationDefinition-ProviderMemberMatch.html
 * CMS-0057-F, 42 CFR 422.121(b): Provider Access for in-network providers with a treatment relationship.
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { matchResultGroup } from '@tandem/fhir';
import { getAccessChoices, matchMembers, networkPayers, recordProviderMatch, type AttestedRelationship, type Db } from '@tandem/store';
import { randomBytes } from 'node:crypto';

type Resource = Record<string, unknown>;
interface Param { name: string; resource?: Resource; part?: Param[] }

const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
/** How long an attested relationship holds when the Consent gives no end (the payer's re-attestation interval). */
export const ATTESTATION_DAYS = 365;
/** A FHIR date, or the date part of a dateTime. */
const DAY = /^\d{4}-\d{2}-\d{2}/;
/** Members per request: a bigger list goes in several requests (each answer is built in memory). */
export const MAX_MEMBERS = 1000;

export interface ProviderMatchOutcome {
  readonly parameters: Resource;
  readonly matchId: string;
  readonly counts: { matched: number; notMatched: number; consentConstrained: number };
}

interface Reference { reference?: string; identifier?: { system?: string; value?: string }; display?: string }

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Why a treatment attestation does not hold for this provider and this member today, or null
 * when it does: an active permit for treatment (v3 ActReason TREAT), in its period, about the
 * Patient sent with it, naming the requesting organization (by reference or NPI) and who attested.
 */
export function attestationProblem(consent: Resource, patientId: string | undefined, provider: { id: string; npi: string | null }, today: string): string | null {
  const provision = consent['provision'] as { type?: string; period?: { start?: string; end?: string }; purpose?: Array<{ system?: string; code?: string }> } | undefined;
  if (consent['status'] !== 'active') return `the Consent's status is ${String(consent['status'] ?? 'missing')}, not active`;
  if (provision?.type !== 'permit') return 'the Consent does not permit (provision.type is not permit)';
  if (!provision.purpose?.some((p) => p.system === ACT_REASON && p.code === 'TREAT')) return 'the Consent is not for treatment (provision.purpose has no v3-ActReason TREAT)';
  const period = provision.period;
  if (!period?.start || !DAY.test(period.start)) return 'the Consent gives no treatment start date (provision.period.start)';
  if (period.end !== undefined && !DAY.test(period.end)) return 'provision.period.end is not a date';
  if (period.start.slice(0, 10) > today) return `the treatment relationship starts later (${period.start})`;
  if (period.end && period.end.slice(0, 10) < today) return `the treatment relationship ended on ${period.end}`;
  const patientRef = (consent['patient'] as Reference | undefined)?.reference;
  if (!patientId || patientRef !== `Patient/${patientId}`) return 'the Consent is not about the MemberPatient sent with it (Consent.patient)';
  const orgs = (consent['organization'] as Reference[] | undefined) ?? [];
  const names = (r: Reference) => r.reference === `Organization/${provider.id}` || (provider.npi !== null && r.identifier?.system === NPI && r.identifier.value === provider.npi);
  if (!orgs.some(names)) return 'the Consent does not name the requesting organization (Consent.organization, by reference or NPI)';
  if (!((consent['performer'] as Reference[] | undefined) ?? []).some((p) => p.display || p.identifier?.value || p.reference)) return 'the Consent does not say who attested (Consent.performer)';
  const when = consent['dateTime'];
  if (typeof when !== 'string' || Number.isNaN(Date.parse(when))) return 'the Consent does not say when it was attested (Consent.dateTime)';
  return null;
}

function resourceOf(parts: Param[], name: string, type: string, index: number): Resource {
  const r = parts.find((p) => p.name === name)?.resource;
  if (!r) throw new TandemError('INVALID_REQUEST', `MemberBundle ${index + 1}: needs the part ${name} (a ${type})`);
  if (r['resourceType'] !== type) throw new TandemError('INVALID_REQUEST', `MemberBundle ${index + 1}: ${name} must be a ${type}, not ${String(r['resourceType'])}`);
  return r;
}

function who(performer: Reference[] | undefined): string {
  const p = performer?.[0];
  if (!p) return '';
  const id = p.identifier?.value ? `${p.identifier.system === NPI ? 'NPI ' : ''}${p.identifier.value}` : p.reference ?? '';
  return [p.display, id].filter(Boolean).join(' / ');
}

export async function providerMemberMatch(db: Db, ctx: AccessContext, body: unknown, today: string): Promise<ProviderMatchOutcome> {
  if (ctx.orgKind !== 'provider' || ctx.patientKey !== undefined) throw new TandemError('FORBIDDEN', '$provider-member-match is for provider organizations (Provider Access)');
  const p = body as { resourceType?: string; parameter?: Param[] } | null;
  if (!p || p.resourceType !== 'Parameters') throw new TandemError('INVALID_REQUEST', 'the body must be a FHIR Parameters resource');
  const bundles = (p.parameter ?? []).filter((x) => x.name === 'MemberBundle');
  const unknown = (p.parameter ?? []).find((x) => x.name !== 'MemberBundle');
  if (unknown) throw new TandemError('INVALID_REQUEST', `unknown parameter ${unknown.name} (expected MemberBundle)`);
  if (bundles.length === 0) throw new TandemError('INVALID_REQUEST', '$provider-member-match needs at least one MemberBundle');
  if (bundles.length > MAX_MEMBERS) throw new TandemError('INVALID_REQUEST', `at most ${MAX_MEMBERS} MemberBundles per request; send the rest in another`);

  // Validate every bundle before matching any: a malformed request stores nothing.
  const inputs = bundles.map((b, i) => {
    const parts = b.part ?? [];
    const patient = resourceOf(parts, 'MemberPatient', 'Patient', i);
    const coverage = resourceOf(parts, 'CoverageToMatch', 'Coverage', i);
    const consent = resourceOf(parts, 'Consent', 'Consent', i);
    const name = (patient['name'] as Array<{ family?: string; given?: string[] }> | undefined)?.[0];
    const birthDate = patient['birthDate'] as string | undefined;
    if (!name?.family || !name.given?.[0] || !birthDate || !/^\d{4}-\d{2}-\d{2}$/.test(birthDate)) throw new TandemError('INVALID_REQUEST', `MemberBundle ${i + 1}: MemberPatient needs name.family, name.given and a full birthDate`);
    const g = patient['gender'];
    const gender = g === 'male' ? 'M' as const : g === 'female' ? 'F' as const : g === undefined ? undefined : 'U' as const;
    const memberId = (coverage['subscriberId'] as string | undefined) ?? (coverage['identifier'] as Array<{ value?: string }> | undefined)?.[0]?.value;
    const patientId = patient['id'] as string | undefined;
    return { patient, patientId, consent, family: name.family, given: name.given[0], birthDate, gender, memberId, label: `${name.given.join(' ')} ${name.family}` };
  });

  const org = await db.selectFrom('organization').select(['id', 'npi', 'name']).where('id', '=', ctx.orgId).executeTakeFirstOrThrow();
  const payers = await networkPayers(db, ctx.orgId, today);
  const id = `pm-${randomBytes(10).toString('hex')}`;
  const matched: Array<{ reference: string; display: string; period: { start: string; end: string } }> = [];
  const relationships: AttestedRelationship[] = [];
  const notMatched: Array<{ reference: string; display: string }> = [];
  const constrained: Array<{ reference: string; display: string }> = [];
  const constrainedKeys: string[] = [];
  // The requester's own Patient reference: nothing of ours is disclosed for members we do not match.
  const theirs = (x: (typeof inputs)[number], i: number) => (x.patientId ? `Patient/${x.patientId}` : `#member-bundle-${i + 1}`);

  for (const [i, x] of inputs.entries()) {
    const problem = attestationProblem(x.consent, x.patientId, org, today);
    if (problem) {
      notMatched.push({ reference: theirs(x, i), display: `${x.label}: attestation not accepted — ${problem}` });
      continue;
    }
    // Strict: name, birth date, gender and member id where given, among the payers the provider
    // is in network with; two candidates are as good as none (a false positive discloses another person).
    const candidates = await matchMembers(db, { family: x.family, given: x.given, birthDate: x.birthDate, gender: x.gender, memberId: x.memberId, payerOrgIds: payers });
    if (candidates.length !== 1) {
      notMatched.push({ reference: theirs(x, i), display: `${x.label}: ${candidates.length === 0 ? 'no member matches' : 'more than one member matches'}` });
      continue;
    }
    const m = candidates[0]!;
    if ((await getAccessChoices(db, m.key)).providerAccessOptOut) {
      constrained.push({ reference: theirs(x, i), display: `${x.label}: opted out of Provider Access` });
      constrainedKeys.push(m.key);
      continue;
    }
    const provision = x.consent['provision'] as { period: { start: string; end?: string } };
    const end = provision.period.end ?? addDays(today, ATTESTATION_DAYS);
    const period = { start: provision.period.start.slice(0, 10), end: end.slice(0, 10) };
    relationships.push({ memberKey: m.key, attestedBy: who(x.consent['performer'] as Reference[] | undefined), attestedAt: x.consent['dateTime'] as string, consent: x.consent, periodStart: period.start, periodEnd: period.end });
    matched.push({ reference: `Patient/${m.key}`, display: x.label, period });
  }

  await recordProviderMatch(db, ctx, { id, submitted: inputs.length, notMatched: notMatched.length, consentConstrained: constrainedKeys, relationships });
  const provider = { id: org.id, npi: org.npi, name: org.name };
  const parameter: Array<{ name: string; resource: Resource }> = [
    { name: 'MatchedMembers', resource: matchResultGroup({ id, code: 'match', provider, date: today, members: matched }) as unknown as Resource },
  ];
  if (notMatched.length) parameter.push({ name: 'NonMatchedMembers', resource: matchResultGroup({ id: `${id}-nomatch`, code: 'nomatch', provider, date: today, members: notMatched }) as unknown as Resource });
  if (constrained.length) parameter.push({ name: 'ConsentConstrainedMembers', resource: matchResultGroup({ id: `${id}-constrained`, code: 'consentconstraint', provider, date: today, members: constrained }) as unknown as Resource });
  return {
    matchId: id, counts: { matched: matched.length, notMatched: notMatched.length, consentConstrained: constrained.length },
    parameters: { resourceType: 'Parameters', meta: { profile: ['http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/provider-parameters-multi-member-match-bundle-out'] }, parameter },
  };
}
