/**
 * Synthea patient bundles (https://github.com/synthetichealth/synthea, FHIR R4 transaction Bundles,
 * one per patient) as members with clinical data: the Patient becomes a member of the payer with
 * coverage in one of its plans from the first encounter on, and the clinical resources are stored
 * as a submission (channel 'synthea', from the given organization) that the measures read like
 * any provider's data. Claim and ExplanationOfBenefit resources are not imported (Synthea's are
 * not adjudicated claims). A patient already imported is skipped, so a re-import adds nothing.
 */
import { TandemError, type AccessContext, type Member } from '@tandem/core';
import { insertMembers, reserveNumbers, saveSubmission, type Db } from '@tandem/store';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deps } from '../deps.ts';
import type { FhirResource } from '../quality/measure-package.ts';
import { normalizeSubmitted } from '../quality/patient-data.ts';

const SKIPPED = new Set(['Patient', 'Claim', 'ExplanationOfBenefit', 'Provenance', 'Organization', 'Practitioner', 'PractitionerRole', 'Location']);

export interface SyntheaImportSummary {
  readonly files: number;
  readonly membersNew: number;
  readonly membersOnFile: number;
  readonly resources: number;
  readonly planId: string;
}

export async function importSynthea(deps: Deps, ctx: AccessContext, opts: { dir: string; payerId: string; planId?: string; submitterOrgId: string }): Promise<SyntheaImportSummary> {
  const db = deps.store.db;
  const files = readdirSync(opts.dir).filter((f) => f.endsWith('.json')).sort();
  if (!files.length) throw new TandemError('INVALID_REQUEST', `${opts.dir}: no .json Synthea bundles`);
  const plan = await db.selectFrom('plan').select('id').where('payer_org_id', '=', opts.payerId).$if(!!opts.planId, (q) => q.where('id', '=', opts.planId!)).orderBy('id').executeTakeFirst();
  if (!plan) throw new TandemError('INVALID_REQUEST', opts.planId ? `no plan ${opts.planId} of payer ${opts.payerId}` : `payer ${opts.payerId} has no plan: run tandem generate first`);
  const submitter = await db.selectFrom('organization').select('id').where('id', '=', opts.submitterOrgId).executeTakeFirst();
  if (!submitter) throw new TandemError('INVALID_REQUEST', `no organization ${opts.submitterOrgId}`);
  let membersNew = 0;
  let membersOnFile = 0;
  let stored = 0;
  for (const f of files) {
    let bundle: { resourceType?: string; entry?: Array<{ resource?: FhirResource }> };
    try {
      bundle = JSON.parse(readFileSync(join(opts.dir, f), 'utf8')) as typeof bundle;
    } catch (e) {
      throw new TandemError('INVALID_REQUEST', `${f}: not JSON (${(e as Error).message})`);
    }
    const resources = (bundle.entry ?? []).map((e) => e.resource).filter((r): r is FhirResource => !!r);
    const patient = resources.find((r) => r.resourceType === 'Patient') as (FhirResource & { id: string; name?: Array<{ given?: string[]; family?: string }>; birthDate?: string; gender?: string }) | undefined;
    if (bundle.resourceType !== 'Bundle' || !patient?.id || !patient.birthDate) throw new TandemError('INVALID_REQUEST', `${f}: not a Synthea patient Bundle (no Patient with an id and birthDate)`);
    const key = `m-${opts.payerId}-syn-${patient.id}`.slice(0, 120);
    if (await db.selectFrom('member').select('key').where('key', '=', key).executeTakeFirst()) {
      membersOnFile++;
      continue;
    }
    const clinical = resources.filter((r) => !SKIPPED.has(r.resourceType)).map((r) => normalizeSubmitted(key, r)).filter((r): r is FhirResource & { id: string } => r !== null);
    const starts = clinical.filter((r) => r.resourceType === 'Encounter').map((r) => String((r as { period?: { start?: string } }).period?.start ?? '').slice(0, 10)).filter(Boolean).sort();
    const member: Member = {
      key, payerOrgId: opts.payerId, memberId: `SYN-${patient.id.slice(0, 8).toUpperCase()}`, subscriberKey: key, relationship: 'self',
      firstName: (patient.name?.[0]?.given?.[0] ?? '').replace(/\d+/g, ''), lastName: (patient.name?.[0]?.family ?? 'Unknown').replace(/\d+/g, ''),
      dateOfBirth: patient.birthDate, gender: patient.gender === 'female' ? 'F' : patient.gender === 'male' ? 'M' : 'U',
    };
    await db.transaction().execute(async (trx) => {
      await insertMembers(trx as Db, [member], [{ id: `cov-${key}`.slice(0, 120), memberKey: key, subscriberKey: key, planId: plan.id, effectiveFrom: starts[0] ?? patient.birthDate!, effectiveTo: null }]);
      const id = `csub-${String(await reserveNumbers(trx as Db, 'clinical-submission', 1)).padStart(8, '0')}`;
      await saveSubmission(trx as Db, { ...ctx, orgId: opts.submitterOrgId }, { id, memberKey: key, channel: 'synthea', measureId: null, receivedAt: deps.clock().toISOString(), resources: clinical });
    });
    membersNew++;
    stored += clinical.length;
  }
  return { files: files.length, membersNew, membersOnFile, resources: stored, planId: plan.id };
}
