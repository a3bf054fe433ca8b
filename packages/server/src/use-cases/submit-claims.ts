/**
 * A provider submits an 837P/837I interchange. The payer answers with a 999 (and a TA1
 * when the envelope itself is broken). Claims of accepted transaction sets are
 * adjudicated and stored; the whole submission commits in one transaction, so a file
 * that fails half-way leaves nothing behind, and a concurrent resubmission that races
 * this one is retried and then found to be a duplicate (never paid twice).
 */
import { canSubmitClaims, TandemError, type AccessContext } from '@tandem/core';
import { loadRegistrySnapshot, reserveNumbers, type Db, type RegistrySnapshot } from '@tandem/store';
import { build999, buildTA1, read837, type Read837Result } from '@tandem/x12';
import type { Deps } from '../deps.ts';
import { claimInputFrom837 } from '../exchange/map-837.ts';
import { adjudicateBatch, type BatchClaim, type ClaimOutcome } from './adjudicate-batch.ts';

export interface SubmitInput {
  readonly text: string;
  readonly fileName?: string | null;
  readonly channel: 'cli' | 'http';
}

export interface SubmitResult {
  readonly submissionId: string | null;
  /** True when at least one transaction set was accepted and nothing in the envelope was rejected. */
  readonly accepted: boolean;
  readonly ack999: string | null;
  readonly ta1: string | null;
  readonly transactionSets: { controlNumber: string; accepted: boolean; errors: string[] }[];
  readonly claims: ClaimOutcome[];
  /** Claims adjudicated, by status (always complete, even when `claims` is truncated for very large files). */
  readonly counts?: Record<string, number>;
}

/** Records a received file; claims reference it. Runs in the submission's transaction. */
export async function openSubmission(
  trx: Db,
  ctx: AccessContext,
  now: Date,
  input: { channel: 'cli' | 'http'; fileName?: string | null | undefined },
  state: { interchangeControlNumber: string | null; accepted: boolean; claimCount: number; ack999: string | null },
): Promise<string> {
  const id = `sub-${now.getUTCFullYear()}-${String(await reserveNumbers(trx, 'submission', 1)).padStart(8, '0')}`;
  await trx.insertInto('submission').values({
    id, received_at: now.toISOString(), submitter_org_id: ctx.orgKind === 'provider' ? ctx.orgId : null, channel: input.channel,
    file_name: input.fileName ?? null, interchange_control_number: state.interchangeControlNumber, accepted: state.accepted,
    claim_count: state.claimCount, ack_999: state.ack999,
  }).execute();
  return id;
}

/** Status counts of claim outcomes. */
export function countByStatus(outcomes: readonly ClaimOutcome[], into: Record<string, number> = {}): Record<string, number> {
  for (const o of outcomes) into[o.status] = (into[o.status] ?? 0) + 1;
  return into;
}

/** A provider can only submit claims it is the billing provider of. */
export function assertOwnClaims(ctx: AccessContext, snapshot: RegistrySnapshot, part: readonly BatchClaim[]): void {
  if (ctx.orgKind !== 'provider') return;
  const own = snapshot.orgById.get(ctx.orgId)?.npi;
  const foreign = part.find((b) => b.input.billingNpi !== own);
  if (foreign) throw new TandemError('FORBIDDEN', `claim ${foreign.input.patientControlNumber} is billed by NPI ${foreign.input.billingNpi ?? '(none)'}, not by your organization (${own ?? 'no NPI'})`);
}

export const BATCH = 2_000;
/** The receiver id Tandem puts in acknowledgments it sends (ISA06). */
export const TANDEM_ISA_ID = 'TANDEM';

function envelopeRejected(r: Read837Result): boolean {
  return r.fatal !== undefined || r.interchanges.length === 0 || r.interchanges.some((i) => i.envelopeFindings.some((f) => f.severity === 'error'));
}

export function describeFinding(f: { code: string; message: string; segmentId?: string; segmentPosition?: number; loop?: string; elementPosition?: number }): string {
  const where = [f.segmentId && `${f.segmentId}${f.elementPosition ? String(f.elementPosition).padStart(2, '0') : ''}`, f.segmentPosition && `segment ${f.segmentPosition}`, f.loop && `loop ${f.loop}`].filter(Boolean).join(', ');
  return where ? `${f.message} (${where})` : f.message;
}

export async function submitClaims(deps: Deps, ctx: AccessContext, input: SubmitInput): Promise<SubmitResult> {
  if (!canSubmitClaims(ctx)) throw new TandemError('FORBIDDEN', 'only providers and administrators submit claims');
  const parsed = read837(input.text);
  const now = deps.clock();
  const control = await reserveNumbers(deps.store.db, 'ack-interchange', 1);
  const sender = parsed.interchanges[0]?.senderId ?? 'UNKNOWN';
  const ackOpts = { senderId: TANDEM_ISA_ID, receiverId: sender, controlNumber: control, date: now };
  const ta1 = buildTA1(parsed, ackOpts);
  const sets = parsed.interchanges.flatMap((i) => i.groups.flatMap((g) => g.transactionSets));
  const summary = sets.map((s) => ({ controlNumber: s.controlNumber, accepted: s.accepted, errors: s.findings.filter((f) => f.severity === 'error').map(describeFinding) }));
  if (envelopeRejected(parsed)) {
    const reason = parsed.fatal ? describeFinding(parsed.fatal) : parsed.interchanges.flatMap((i) => i.envelopeFindings).filter((f) => f.severity === 'error').map(describeFinding).join('; ') || 'no interchange found';
    deps.log.warn({ reason }, 'interchange rejected');
    const ack999 = parsed.interchanges.length > 0 && !parsed.fatal ? build999(parsed, ackOpts) : null;
    return { submissionId: null, accepted: false, ack999, ta1: ta1 ?? null, transactionSets: summary.length ? summary : [{ controlNumber: '', accepted: false, errors: [reason] }], claims: [] };
  }
  const ack999 = build999(parsed, ackOpts);
  const batch: BatchClaim[] = [];
  for (const s of sets) {
    if (!s.accepted) continue;
    const kind = s.kind === 'institutional' ? 'institutional' : 'professional';
    for (const c of s.claims) batch.push({ input: claimInputFrom837(c, kind), payerCode: c.payer.id || null });
  }
  const accepted = sets.some((s) => s.accepted);
  const icn = parsed.interchanges[0]?.controlNumber ?? null;

  const out = await inSubmissionTransaction(deps, async (trx) => {
    const submissionId = await openSubmission(trx, ctx, now, input, { interchangeControlNumber: icn, accepted, claimCount: batch.length, ack999 });
    const snapshot = await loadRegistrySnapshot(trx);
    const outcomes: ClaimOutcome[] = [];
    for (let i = 0; i < batch.length; i += BATCH) {
      const part = batch.slice(i, i + BATCH);
      assertOwnClaims(ctx, snapshot, part);
      outcomes.push(...(await adjudicateBatch(trx, ctx, snapshot, submissionId, now, part)));
    }
    return { submissionId, outcomes };
  });
  deps.log.info({ submissionId: out.submissionId, claims: out.outcomes.length }, 'submission stored');
  return { submissionId: out.submissionId, accepted, ack999, ta1: ta1 ?? null, transactionSets: summary, claims: out.outcomes, counts: countByStatus(out.outcomes) };
}

/**
 * One transaction for a whole submission. Two submissions of the same claim racing each
 * other meet at the duplicate-key unique index; the loser's transaction fails (23505) and
 * is run again, when it finds the winner's claim and records a duplicate.
 */
export async function inSubmissionTransaction<T>(deps: Deps, work: (trx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.store.db.transaction().execute((trx) => work(trx));
    } catch (e) {
      if ((e as { code?: string }).code !== '23505' || attempt >= 3) throw e;
      deps.log.warn({ attempt }, 'duplicate race on submission; retrying');
    }
  }
}
