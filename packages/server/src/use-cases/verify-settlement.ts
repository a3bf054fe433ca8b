/**
 * Replay of a stored settlement run: its outputs (and the figures derived from its snapshot)
 * recomputed from the frozen inputs stored with it — nothing live is read, so a claim paid
 * differently since, a new attribution or risk run, or new terms change nothing — and compared
 * with what was stored, byte for byte on the canonical JSON (RFC 8785 key order; the run is
 * kept in `jsonb`, which keeps no key order). Either party to the contract may verify.
 * `tandem settle --verify RUN_ID`, `GET /api/settlements/{id}/verify`.
 */
import { canonicalJson, firstJsonDifference, TandemError, type AccessContext, type JsonDifference } from '@tandem/core';
import { getSettlementSnapshot } from '@tandem/store';
import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { computeStatement, snapshotOf } from './settlement-statement.ts';

export interface SettlementVerification {
  readonly id: string;
  readonly identical: boolean;
  /** SHA-256 of the canonical JSON of the stored `{inputs, outputs}`. */
  readonly storedSha256: string;
  /** SHA-256 of the canonical JSON of the replayed `{inputs, outputs}`. */
  readonly replayedSha256: string;
  /** The first difference, when not identical. */
  readonly difference: JsonDifference | null;
}

export async function verifySettlement(deps: Deps, ctx: AccessContext, id: string): Promise<SettlementVerification> {
  const run = await getSettlementSnapshot(deps.store.db, ctx, id);
  if (!run) throw new TandemError('NOT_FOUND', `settlement ${id}`);
  const snapshot = snapshotOf(run.inputs);
  if ('missing' in snapshot) throw new TandemError('INVALID_REQUEST', `settlement ${id} cannot be replayed: it was stored without inputs.${snapshot.missing} (runs before the claim set and risk scores were frozen); settle the period again`);
  const replayed = computeStatement(snapshot);
  const stored = { inputs: run.inputs, outputs: run.outputs };
  const again = { inputs: replayed.inputs, outputs: replayed.outputs };
  const a = canonicalJson(stored);
  const b = canonicalJson(again);
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  return { id, identical: a === b, storedSha256: sha(a), replayedSha256: sha(b), difference: a === b ? null : firstJsonDifference(stored, again) };
}
