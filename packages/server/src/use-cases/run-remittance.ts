/**
 * The payer's payment run: every adjudicated, unremitted claim goes out in an 835 to its
 * payee (billing NPI). One 835 interchange per payee per run; claims are marked in the
 * same transaction that stores the 835, so a claim is remitted once. Pages of
 * `pageSize` claims keep memory flat however many claims are waiting.
 */
import { canRunRemittance, checkRemittanceBalance, TandemError, type AccessContext } from '@tandem/core';
import { insertRemittance, loadRemittanceAdvice, pendingPayees, reserveNumbers, type Db } from '@tandem/store';
import { write835 } from '@tandem/x12';
import { isoDate, type Deps } from '../deps.ts';
import { remittance835From } from '../exchange/map-835.ts';
import { TANDEM_ISA_ID } from './submit-claims.ts';

export interface RemittanceSummary {
  readonly id: string;
  readonly payeeNpi: string;
  readonly payeeName: string;
  readonly traceNumber: string;
  readonly claimCount: number;
  readonly totalPaidCents: number;
  readonly x12: string;
}

export async function runRemittance(
  deps: Deps,
  ctx: AccessContext,
  opts: { pageSize?: number; onProgress?: (done: number) => void } = {},
): Promise<RemittanceSummary[]> {
  if (!canRunRemittance(ctx)) throw new TandemError('FORBIDDEN', 'only payer administrators or billing staff run remittance');
  const payer = await deps.store.db.selectFrom('organization').selectAll().where('id', '=', ctx.orgId).executeTakeFirst();
  if (!payer) throw new TandemError('NOT_FOUND', `payer ${ctx.orgId}`);
  const pageSize = opts.pageSize ?? 5_000;
  const now = deps.clock();
  const out: RemittanceSummary[] = [];
  let done = 0;
  for (const p of await pendingPayees(deps.store.db, payer.id)) {
    for (;;) {
      const summary = await deps.store.db.transaction().execute(async (trx) => {
        const advice = await loadRemittanceAdvice(trx as Db, payer.id, p.payeeNpi, pageSize);
        if (!advice) return null;
        const problems = checkRemittanceBalance(advice);
        // Unbalanced money is a bug in adjudication, never something to send.
        if (problems.length) throw new Error(`remittance for ${p.payeeNpi} does not balance: ${JSON.stringify(problems.slice(0, 3))}`);
        const n = await reserveNumbers(trx as Db, 'remittance', 1);
        const icn = await reserveNumbers(trx as Db, 'interchange-out', 1);
        const traceNumber = `${isoDate(now).replace(/-/g, '')}${String(n).padStart(7, '0')}`;
        const x12 = write835([remittance835From(advice, { name: payer.name, id: payer.payer_code ?? payer.tin ?? payer.id }, isoDate(now), traceNumber)], {
          senderId: TANDEM_ISA_ID, receiverId: p.payeeNpi, interchangeControlNumber: icn, date: now,
        });
        const id = `rem-${traceNumber}`;
        await insertRemittance(trx as Db, ctx, {
          id, payerOrgId: payer.id, payeeNpi: p.payeeNpi, payeeName: advice.payeeName, traceNumber, paymentDate: isoDate(now),
          totalPaidCents: advice.totalPaidCents, claimIds: advice.claims.map((c) => c.claimId), x12,
        });
        return { id, payeeNpi: p.payeeNpi, payeeName: advice.payeeName, traceNumber, claimCount: advice.claims.length, totalPaidCents: advice.totalPaidCents, x12 };
      });
      if (!summary) break;
      out.push(summary);
      done += summary.claimCount;
      opts.onProgress?.(done);
      if (summary.claimCount < pageSize) break;
    }
  }
  deps.log.info({ remittances: out.length, claims: done }, 'remittance run complete');
  return out;
}
