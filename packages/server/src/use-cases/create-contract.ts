/**
 * A contract between the payer and a provider organization — the anchor for value-based terms
 * (`tandem contract terms`), rosters and settlements. Typically for an organization an import
 * created, whose imported claims were priced elsewhere: the fee schedule matters only for claims
 * Tandem adjudicates later.
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { insertContracts, type Db } from '@tandem/store';
import type { Deps } from '../deps.ts';

export interface CreateContractInput {
  readonly providerOrgId: string;
  readonly name: string;
  /** Default: the base fee schedule of the payer's plans, when they share one. */
  readonly feeScheduleId?: string | undefined;
  readonly effectiveFrom: string;
  readonly effectiveTo?: string | null | undefined;
}

export interface CreatedContract {
  readonly id: string;
  readonly payerOrgId: string;
  readonly providerOrgId: string;
  readonly providerName: string;
  readonly name: string;
  readonly feeScheduleId: string;
  readonly effectiveFrom: string;
}

/** Creates a contract for the payer of the access context; the id is `ct-<provider org id>` (with `-2`, `-3` … when taken). */
export async function createContract(deps: Deps, ctx: AccessContext, input: CreateContractInput): Promise<CreatedContract> {
  if (ctx.orgKind !== 'payer' || !(ctx.role === 'admin' || ctx.role === 'system')) throw new TandemError('FORBIDDEN', 'only payer administrators create contracts');
  return deps.store.db.transaction().execute(async (trx) => {
    const db = trx as Db;
    const provider = await db.selectFrom('organization').select(['id', 'kind', 'name']).where('id', '=', input.providerOrgId).executeTakeFirst();
    if (!provider) throw new TandemError('NOT_FOUND', `organization ${input.providerOrgId}`);
    if (provider.kind !== 'provider') throw new TandemError('INVALID_REQUEST', `${input.providerOrgId} is a ${provider.kind}, not a provider organization`);
    let feeScheduleId = input.feeScheduleId;
    if (feeScheduleId) {
      if (!(await db.selectFrom('fee_schedule').select('id').where('id', '=', feeScheduleId).executeTakeFirst())) throw new TandemError('NOT_FOUND', `fee schedule ${feeScheduleId}`);
    } else {
      const bases = await db.selectFrom('plan').select('base_fee_schedule_id').distinct().where('payer_org_id', '=', ctx.orgId).orderBy('base_fee_schedule_id').execute();
      if (bases.length !== 1) throw new TandemError('INVALID_REQUEST', bases.length ? `the payer's plans use several base fee schedules (${bases.map((b) => b.base_fee_schedule_id).join(', ')}): choose one with a fee schedule id` : 'the payer has no plans, so no base fee schedule: give a fee schedule id');
      feeScheduleId = bases[0]!.base_fee_schedule_id;
    }
    const taken = new Set((await db.selectFrom('contract').select('id').where('id', 'like', `ct-${provider.id}%`).execute()).map((r) => r.id));
    let id = `ct-${provider.id}`;
    for (let n = 2; taken.has(id); n++) id = `ct-${provider.id}-${n}`;
    await insertContracts(db, [{ id, payerOrgId: ctx.orgId, providerOrgId: provider.id, name: input.name, effectiveFrom: input.effectiveFrom, effectiveTo: input.effectiveTo ?? null, feeScheduleId }]);
    return { id, payerOrgId: ctx.orgId, providerOrgId: provider.id, providerName: provider.name, name: input.name, feeScheduleId, effectiveFrom: input.effectiveFrom };
  });
}
