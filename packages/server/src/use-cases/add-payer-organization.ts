/**
 * Another health plan as an organization of ours, so its system can be registered for
 * Payer-to-Payer exchange (SMART Backend Services acting for that payer). Only a payer
 * administrator (or the system) adds one; it holds no members here.
 * https://hl7.org/fhir/us/davinci-pdex/STU2.1/payertopayerbulkexchange.html (§pdex-142/143)
 */
import { isValidNpi, TandemError, type AccessContext, type Npi } from '@tandem/core';
import { getOrganization, insertOrganizations, recordAudit, type Db } from '@tandem/store';
import { assertCanRegister } from './register-smart-client.ts';

export async function addPayerOrganization(db: Db, ctx: AccessContext, p: { name: string; npi?: string | undefined; tin?: string | undefined }): Promise<{ id: string; name: string }> {
  assertCanRegister(ctx);
  const name = p.name.trim();
  if (!name) throw new TandemError('INVALID_REQUEST', 'the payer needs a name');
  if (p.npi !== undefined && !isValidNpi(p.npi)) throw new TandemError('INVALID_REQUEST', `NPI ${p.npi} fails the check digit (45 CFR 162.406)`);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  const id = `org-payer-${slug || 'other'}`;
  if (await getOrganization(db, id)) throw new TandemError('INVALID_REQUEST', `organization ${id} already exists (register its system with --org ${id})`);
  await insertOrganizations(db, [{ id, kind: 'payer', name, npi: (p.npi ?? null) as Npi | null, tin: p.tin ?? null, providerType: null, payerCode: null }]);
  await recordAudit(db, ctx, { action: 'create', resourceType: 'Organization', resourceId: id, detail: { kind: 'payer', name, purpose: 'payer-to-payer' } });
  return { id, name };
}
