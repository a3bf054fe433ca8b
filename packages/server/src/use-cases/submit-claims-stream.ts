/**
 * Submission of very large 837 files with memory that does not grow with the file: the
 * X12 is read set by set (`stream837`), each accepted set's claims are adjudicated and
 * stored in batches, and the 999 is built from the per-set results at the end. Still one
 * transaction, so a failure part-way leaves nothing stored. Envelope trailer counts
 * (GE01/IEA01) are not checked in this mode; everything inside each set is.
 */
import { canSubmitClaims, TandemError, type AccessContext } from '@tandem/core';
import { loadRegistrySnapshot, reserveNumbers, type Db } from '@tandem/store';
import { build999, stream837, type Read837Result, type TransactionSet837 } from '@tandem/x12';
import type { Deps } from '../deps.ts';
import { claimInputFrom837 } from '../exchange/map-837.ts';
import { adjudicateBatch, type BatchClaim, type ClaimOutcome } from './adjudicate-batch.ts';
import { assertOwnClaims, BATCH, countByStatus, describeFinding, TANDEM_ISA_ID, type SubmitResult } from './submit-claims.ts';

/** At most this many claim outcomes are returned one by one; counts cover them all. */
const MAX_OUTCOMES = 10_000;

export async function submitClaimsStream(
  deps: Deps,
  ctx: AccessContext,
  input: { source: () => AsyncIterable<Uint8Array | string>; fileName?: string | null; channel: 'cli' | 'http'; onProgress?: (claims: number) => void },
): Promise<SubmitResult> {
  if (!canSubmitClaims(ctx)) throw new TandemError('FORBIDDEN', 'only providers and administrators submit claims');
  const now = deps.clock();
  const control = await reserveNumbers(deps.store.db, 'ack-interchange', 1);
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.store.db.transaction().execute(async (trx) => {
        const submissionId = `sub-${now.getUTCFullYear()}-${String(await reserveNumbers(trx as Db, 'submission', 1)).padStart(8, '0')}`;
        await trx.insertInto('submission').values({ id: submissionId, received_at: now.toISOString(), submitter_org_id: ctx.orgKind === 'provider' ? ctx.orgId : null, channel: input.channel, file_name: input.fileName ?? null, interchange_control_number: null, accepted: false, claim_count: 0, ack_999: null }).execute();
        const snapshot = await loadRegistrySnapshot(trx as Db);
        const result: Read837Result = { interchanges: [] };
        const outcomes: ClaimOutcome[] = [];
        const counts: Record<string, number> = {};
        let total = 0;
        let sender = 'UNKNOWN';
        for await (const s of stream837(input.source())) {
          let ic = result.interchanges.find((i) => i.controlNumber === s.interchange.controlNumber);
          if (!ic) {
            sender = s.interchange.senderId;
            ic = { ...s.interchange, date: '', time: '', usageIndicator: 'P', envelopeFindings: [], groups: [] };
            result.interchanges.push(ic);
          }
          let g = ic.groups.find((x) => x.controlNumber === s.group.controlNumber);
          if (!g) {
            g = { controlNumber: s.group.controlNumber, functionalId: 'HC', version: s.group.version, senderCode: '', receiverCode: '', findings: [], transactionSets: [] };
            ic.groups.push(g);
          }
          // Keep the set's verdict and findings for the 999; drop its claims once stored.
          const kept: TransactionSet837 = { ...s.set, claims: [] };
          g.transactionSets.push(kept);
          if (!s.set.accepted) continue;
          const kind = s.set.kind === 'institutional' ? 'institutional' : 'professional';
          for (let i = 0; i < s.set.claims.length; i += BATCH) {
            const part: BatchClaim[] = s.set.claims.slice(i, i + BATCH).map((c) => ({ input: claimInputFrom837(c, kind), payerCode: c.payer.id || null }));
            assertOwnClaims(ctx, snapshot, part);
            const done = await adjudicateBatch(trx as Db, ctx, snapshot, submissionId, now, part);
            countByStatus(done, counts);
            total += done.length;
            if (outcomes.length < MAX_OUTCOMES) outcomes.push(...done.slice(0, MAX_OUTCOMES - outcomes.length));
            input.onProgress?.(total);
          }
        }
        const sets = result.interchanges.flatMap((i) => i.groups.flatMap((g) => g.transactionSets));
        const accepted = sets.some((s) => s.accepted);
        const ack999 = build999(result, { senderId: TANDEM_ISA_ID, receiverId: sender, controlNumber: control, date: now });
        await trx.updateTable('submission').set({ accepted, claim_count: total, ack_999: ack999, interchange_control_number: result.interchanges[0]?.controlNumber ?? null }).where('id', '=', submissionId).execute();
        return {
          submissionId, accepted, ack999, ta1: null, claims: outcomes, counts,
          transactionSets: sets.map((s) => ({ controlNumber: s.controlNumber, accepted: s.accepted, errors: s.findings.filter((f) => f.severity === 'error').map(describeFinding) })),
        };
      });
    } catch (e) {
      if ((e as { code?: string }).code === '23505' && attempt < 3) continue;
      if (e instanceof Error && /ISA|X12|interchange/.test(e.message) && !(e as { code?: string }).code)
        return { submissionId: null, accepted: false, ack999: null, ta1: null, transactionSets: [{ controlNumber: '', accepted: false, errors: [e.message] }], claims: [] };
      throw e;
    }
  }
}
