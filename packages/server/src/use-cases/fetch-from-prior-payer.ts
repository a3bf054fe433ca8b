/**
 * The new payer's side of Payer-to-Payer, end to end: for one of our members who opted in with
 * us, ask the prior payer's FHIR server — SMART Backend Services token (private_key_jwt),
 * `Group/$bulk-member-match` with the member's demographics, the old coverage's member id and an
 * HRex Consent, then `$davinci-data-export` (payertopayer) of the matched Group — download the
 * files with their manifest and import them (`importPayerExport`, all or nothing).
 * https://hl7.org/fhir/us/davinci-pdex/STU2.1/payertopayerbulkexchange.html
 * https://hl7.org/fhir/smart-app-launch/STU2/backend-services.html
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { getAccessChoices, recordAudit } from '@tandem/store';
import { importJWK, SignJWT, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isoDate, type Deps } from '../deps.ts';
import { importPayerExport, type PayerImportResult } from './import-payer-export.ts';

const HREX_REGULAR = 'http://hl7.org/fhir/us/davinci-hrex/StructureDefinition-hrex-consent.html#regular';

export interface FetchRequest {
  /** The prior payer's FHIR base, e.g. https://old-plan.example/fhir */
  readonly fhirBase: string;
  readonly clientId: string;
  /** The prior payer's token endpoint; default: its SMART discovery (`{fhirBase}/.well-known/smart-configuration`). */
  readonly tokenUrl?: string | undefined;
  /** The private JWK (with `alg` and `kid`) whose public half the prior payer registered for us. */
  readonly privateKey: JWK;
  readonly memberKey: string;
  /** The member id on the old plan's card. */
  readonly oldMemberId: string;
  readonly fromPayer: string;
  /** Keep the downloaded files here (default: a temporary directory). */
  readonly outDir?: string | undefined;
  /** How long to wait for each asynchronous step. */
  readonly maxWaitMs?: number;
}

export type FetchResult =
  | { readonly outcome: 'imported'; readonly dir: string; readonly import: PayerImportResult }
  | { readonly outcome: 'no-match' | 'consent-constrained'; readonly dir: null; readonly import: null };

interface Manifest { transactionTime: string; request: string; output: Array<{ type: string; url: string }> }

async function discoverTokenUrl(fhirBase: string): Promise<string> {
  const conf = await fetch(`${fhirBase}/.well-known/smart-configuration`);
  if (conf.status !== 200) throw new TandemError('INVALID_REQUEST', `${fhirBase}/.well-known/smart-configuration answered ${conf.status}`);
  const tokenUrl = ((await conf.json()) as { token_endpoint?: string }).token_endpoint;
  if (!tokenUrl) throw new TandemError('INVALID_REQUEST', 'the prior payer publishes no token_endpoint');
  return tokenUrl;
}

async function backendToken(tokenUrl: string, clientId: string, key: JWK): Promise<string> {
  if (!tokenUrl) throw new TandemError('INVALID_REQUEST', 'the prior payer publishes no token_endpoint');
  const alg = key.alg ?? 'ES384';
  const assertion = await new SignJWT({}).setProtectedHeader({ alg, ...(key.kid ? { kid: key.kid } : {}) }).setIssuer(clientId).setSubject(clientId).setAudience(tokenUrl)
    .setJti(randomBytes(12).toString('hex')).setIssuedAt().setExpirationTime('5m').sign(await importJWK(key, alg));
  const res = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/*.rs', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }) });
  if (res.status !== 200) throw new TandemError('FORBIDDEN', `the prior payer refused a token: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Kick-off (POST, Prefer: respond-async), then the status URL until the manifest (honouring Retry-After). */
async function asyncOperation(url: string, token: string, body: unknown, maxWaitMs: number): Promise<Manifest> {
  const auth = { authorization: `Bearer ${token}` };
  const kick = await fetch(url, { method: 'POST', headers: { ...auth, accept: 'application/fhir+json', prefer: 'respond-async', 'content-type': 'application/fhir+json' }, body: JSON.stringify(body) });
  const status = kick.headers.get('content-location');
  if (kick.status !== 202 || !status) throw new TandemError('INVALID_REQUEST', `${url} answered ${kick.status}: ${await kick.text()}`);
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const res = await fetch(status, { headers: { ...auth, accept: 'application/json' } });
    if (res.status === 200) return (await res.json()) as Manifest;
    if (res.status !== 202) throw new TandemError('INTERNAL', `${status} answered ${res.status}: ${await res.text()}`);
    if (Date.now() > deadline) throw new TandemError('INTERNAL', `${status} still running after ${maxWaitMs} ms`);
    await new Promise((r) => setTimeout(r, Math.min(Number(res.headers.get('retry-after') ?? '1'), 10) * 1000));
  }
}

async function download(url: string, token: string): Promise<string> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+ndjson' } });
  if (res.status !== 200) throw new TandemError('INTERNAL', `${url} answered ${res.status}`);
  return res.text();
}

export async function fetchFromPriorPayer(deps: Deps, ctx: AccessContext, req: FetchRequest): Promise<FetchResult> {
  if (ctx.orgKind !== 'payer' || ctx.patientKey !== undefined) throw new TandemError('FORBIDDEN', "only the member's payer asks a prior payer for the member's data");
  const db = deps.store.db;
  const m = await db.selectFrom('member').innerJoin('organization as o', 'o.id', 'member.payer_org_id').select(['member.key', 'member.first_name', 'member.last_name', 'member.date_of_birth', 'member.gender', 'member.member_id', 'o.name as payer_name', 'o.npi as payer_npi'])
    .where('member.key', '=', req.memberKey).where('member.payer_org_id', '=', ctx.orgId).executeTakeFirst();
  if (!m) throw new TandemError('NOT_FOUND', `member ${req.memberKey}`);
  // CMS-0057-F: the new payer asks the member first; without the opt-in nothing is requested.
  if (!(await getAccessChoices(db, m.key)).payerToPayerOptIn) throw new TandemError('INVALID_REQUEST', `member ${m.key} has not opted in to Payer-to-Payer exchange (PUT /api/members/${m.key}/access-choices)`);
  const base = req.fhirBase.replace(/\/$/, '');
  const wait = req.maxWaitMs ?? 10 * 60_000;
  const token = await backendToken(req.tokenUrl ?? (await discoverTokenUrl(base)), req.clientId, req.privateKey);
  const today = isoDate(deps.clock());
  const nextYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
  const us = m.payer_npi ? { identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: m.payer_npi }, display: m.payer_name } : { display: m.payer_name };
  const patient = { resourceType: 'Patient', id: m.key, identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MB' }] }, value: m.member_id, assigner: { display: m.payer_name } }], name: [{ family: m.last_name, given: [m.first_name] }], birthDate: m.date_of_birth, gender: m.gender === 'M' ? 'male' : m.gender === 'F' ? 'female' : 'unknown' };
  const body = {
    resourceType: 'Parameters',
    parameter: [{
      name: 'MemberBundle',
      part: [
        { name: 'MemberPatient', resource: patient },
        { name: 'CoverageToMatch', resource: { resourceType: 'Coverage', id: 'old-coverage', status: 'active', subscriberId: req.oldMemberId, beneficiary: { reference: `Patient/${m.key}` }, payor: [{ display: req.fromPayer }] } },
        {
          name: 'Consent',
          // The member's opt-in with us, as the HRex Consent the prior payer checks: disclose to us, for a year.
          resource: {
            resourceType: 'Consent', id: 'p2p-consent', status: 'active', scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
            category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IDSCL' }] }], patient: { reference: `Patient/${m.key}` }, performer: [{ reference: `Patient/${m.key}` }],
            policy: [{ uri: HREX_REGULAR }],
            provision: {
              type: 'permit', period: { start: today, end: nextYear },
              action: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'disclose' }] }],
              actor: [
                { role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'performer' }] }, reference: { display: req.fromPayer } },
                { role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: us },
              ],
            },
          },
        },
      ],
    }],
  };
  const match = await asyncOperation(`${base}/Group/$bulk-member-match`, token, body, wait);
  const groupFile = match.output.find((o) => o.type === 'Group');
  if (!groupFile) throw new TandemError('INTERNAL', 'the prior payer answered $bulk-member-match without a Group file');
  const groups = (await download(groupFile.url, token)).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { id: string; code?: { coding?: Array<{ code?: string }> }; member?: unknown[] });
  const category = (code: string) => groups.find((g) => g.code?.coding?.[0]?.code === code && (g.member?.length ?? 0) > 0);
  const matched = category('match');
  const outcome = matched ? 'matched' : category('consentconstraint') ? 'consent-constrained' : 'no-match';
  await recordAudit(db, ctx, { action: 'search', resourceType: 'Patient', resourceId: 'prior-payer $bulk-member-match', memberKeys: [m.key], outcome: matched ? 'success' : 'denied', detail: { fromPayer: req.fromPayer, fhirBase: base, outcome } });
  if (!matched) return { outcome: outcome as 'no-match' | 'consent-constrained', dir: null, import: null };

  const exp = await asyncOperation(`${base}/Group/${matched.id}/$davinci-data-export`, token, { resourceType: 'Parameters', parameter: [{ name: 'exportType', valueCanonical: 'hl7.fhir.us.davinci-pdex#payertopayer' }] }, wait);
  const dir = req.outDir ?? mkdtempSync(join(tmpdir(), 'tandem-p2p-'));
  mkdirSync(dir, { recursive: true });
  for (const o of exp.output) writeFileSync(join(dir, new URL(o.url).pathname.split('/').pop()!), await download(o.url, token));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(exp, null, 2));
  // The export holds every member of the matched Group: this request matched exactly ours.
  const imported = await importPayerExport(deps, ctx, { dir, memberKey: m.key, fromPayer: req.fromPayer, sourcePatient: ((matched.member as Array<{ entity: { reference: string } }>)[0]!.entity.reference).replace(/^Patient\//, '') });
  return { outcome: 'imported', dir, import: imported };
}
