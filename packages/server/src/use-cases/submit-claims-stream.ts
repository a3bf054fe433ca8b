/**
 * Submission of very large 837 files with memory that does not grow with the file: the
 * X12 is read set by set (`stream837`), each accepted set's claims are adjudicated and
 * stored in batches, and the 999 is built from the per-set results at the end. Still one
 * transaction, so a failure part-way leaves nothing stored. Envelope trailer counts
 * (GE01/IEA01) are not checked in this mode; everything inside each set is.
 */
import { canSubmitClaims, TandemError, type AccessContext } from '@tandem/core';
import { loadRegistrySnapshot, reserveNumbers } from '@tandem/store';
import { build999, stream837, X12ReadError, type Read837Result, type TransactionSet837 } from '@tandem/x12';
import type { Deps } from '../deps.ts';
import { claimInputFrom837 } from '../exchange/map-837.ts';
import { adjudicateBatch, type BatchClaim, type ClaimOutcome } from './adjudicate-batch.ts';
import { assertOwnClaims, BATCH, countByStatus, describeFinding, inSubmissionTransaction, openSubmission, TANDEM_ISA_ID, type SubmitResult } from './submit-claims.ts';

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
  try {
    return await inSubmissionTransaction(deps, async (trx) => {
      // The 999 is known only at the end: the row is completed after the last set.
      const submissionId = await openSubmission(trx, ctx, now, input, { interchangeControlNumber: null, accepted: false, claimCount: 0, ack999: null });
      const snapshot = await loadRegistrySnapshot(trx);
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
          const done = await adjudicateBatch(trx, ctx, snapshot, submissionId, now, part);
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
    // Not an interchange at all: nothing was stored (the transaction rolled back), and there is no 999 to send.
    if (e instanceof X12ReadError) return { submissionId: null, accepted: false, ack999: null, ta1: null, transactionSets: [{ controlNumber: '', accepted: false, errors: [e.message] }], claims: [] };
    throw e;
  }
}
