/**
 * Adjudicates a batch of claims inside the caller's transaction: resolves members,
 * duplicates and accumulators for the whole batch in a few queries, adjudicates each
 * claim in memory (core, pure), and writes claims, lines and accumulators back.
 */
import {
  accumulatorKeys,
  AccumulatorLedger,
  AuthorizationLedger,
  adjudicateClaim,
  isValidNpi,
  serviceSpan,
  type AccessContext,
  type ClaimInput,
  type Organization,
} from '@tandem/core';
import {
  dedupeKey,
  findOriginals,
  insertClaims,
  loadAuthRuleSets,
  loadMembersForBatch,
  lockApprovedAuthorizations,
  lockAccumulators,
  recordAudit,
  reserveNumbers,
  writeAccumulators,
  writeAuthorizationUsage,
  type Db,
  type RegistrySnapshot,
  type StoredClaim,
} from '@tandem/store';
import { isoDate } from '../deps.ts';

export interface BatchClaim {
  readonly input: ClaimInput;
  /** Payer id the provider addressed (837 2010BB NM109). */
  readonly payerCode: string | null;
}

export interface ClaimOutcome {
  readonly claimId: string;
  readonly patientControlNumber: string;
  readonly status: string;
  readonly billedCents: number;
  readonly paidCents: number;
  readonly patientRespCents: number;
  readonly duplicateOf: string | null;
}

/** The payer a claim is for: the one whose payer id the provider used, else the default (first) payer. */
export function resolvePayer(snapshot: RegistrySnapshot, payerCode: string | null): Organization | null {
  return snapshot.payers.find((p) => p.payerCode !== null && p.payerCode === payerCode) ?? snapshot.payers[0] ?? null;
}

export async function adjudicateBatch(
  trx: Db,
  ctx: AccessContext,
  snapshot: RegistrySnapshot,
  submissionId: string,
  receivedAt: Date,
  batch: readonly BatchClaim[],
): Promise<ClaimOutcome[]> {
  if (batch.length === 0) return [];
  const year = receivedAt.getUTCFullYear();
  const byPayer = new Map<string, { payer: Organization; items: BatchClaim[] }>();
  for (const b of batch) {
    const payer = resolvePayer(snapshot, b.payerCode);
    if (!payer) throw new Error('no payer is configured: run `tandem generate` or load a registry first');
    const g = byPayer.get(payer.id) ?? { payer, items: [] };
    g.items.push(b);
    byPayer.set(payer.id, g);
  }
  const first = await reserveNumbers(trx, `claim-${year}`, batch.length);
  let seq = first;
  const stored: StoredClaim[] = [];
  for (const { payer, items } of byPayer.values()) {
    const members = await loadMembersForBatch(trx, snapshot, payer.id, items.map((i) => i.input.memberId));
    const keys = items.map((i) => dedupeKey(payer.id, i.input));
    const originals = await findOriginals(trx, keys);
    // Accumulator rows this batch may touch, locked in one statement.
    const accKeys: string[] = [];
    for (const i of items) {
      const m = members.get(i.input.memberId);
      if (!m) continue;
      const years = new Set(i.input.lines.map((l) => Number(l.serviceDateFrom.slice(0, 4))));
      for (const t of m.coverages)
        for (const y of years)
          for (const tier of ['in', 'out'] as const) {
            const k = accumulatorKeys({ memberKey: m.member.key, subscriberKey: m.member.subscriberKey, planId: t.plan.id, year: y, tier });
            accKeys.push(k.member, k.family);
          }
    }
    const ledger = new AccumulatorLedger(await lockAccumulators(trx, accKeys));
    // Prior authorization: the payer's rules and the members' approved authorizations (rows locked, units consumed below).
    const ruleSets = await loadAuthRuleSets(trx, payer.id);
    const authorization = ruleSets.length ? { ruleSets, ledger: new AuthorizationLedger(await lockApprovedAuthorizations(trx, [...members.values()].map((m) => m.member.key))) } : undefined;
    const seenInBatch = new Map<string, string>();
    items.forEach((item, idx) => {
      const id = `${year}${String(seq++).padStart(9, '0')}`;
      const key = keys[idx]!;
      const duplicateOf = originals.get(key) ?? seenInBatch.get(key) ?? null;
      if (!duplicateOf) seenInBatch.set(key, id);
      const m = members.get(item.input.memberId) ?? null;
      const provider = item.input.billingNpi ? (snapshot.providerByNpi.get(item.input.billingNpi) ?? null) : null;
      const result = adjudicateClaim(
        {
          payerOrgId: payer.id,
          member: m?.member ?? null,
          coverages: m?.coverages ?? [],
          provider,
          billingNpiValid: item.input.billingNpi !== null && isValidNpi(item.input.billingNpi),
          contracts: provider ? (snapshot.contractsByProvider.get(provider.id) ?? []).filter((c) => c.payerOrgId === payer.id) : [],
          feeSchedules: snapshot.feeSchedules,
          renderingTaxonomy: item.input.renderingNpi ? (snapshot.practitionerByNpi.get(item.input.renderingNpi)?.taxonomy ?? null) : null,
          duplicateOf,
          ledger,
          ...(authorization ? { authorization } : {}),
        },
        item.input,
      );
      const span = item.input.lines.length ? serviceSpan(item.input) : { from: isoDate(receivedAt), to: isoDate(receivedAt) };
      stored.push({
        id, input: item.input, result, payerOrgId: payer.id, providerOrgId: provider?.id ?? null, memberKey: m?.member.key ?? null,
        planId: result.provenance.planId, dedupeKey: key, duplicateOf, serviceDateFrom: span.from, serviceDateTo: span.to,
      });
    });
    await writeAccumulators(trx, ledger.changed());
    if (authorization) await writeAuthorizationUsage(trx, authorization.ledger.changed());
  }
  await insertClaims(trx, submissionId, receivedAt.toISOString(), stored);
  await recordAudit(trx, ctx, { action: 'create', resourceType: 'Claim', resourceId: submissionId, memberKeys: stored.map((s) => s.memberKey ?? ''), detail: { claims: stored.length } });
  return stored.map((s) => ({
    claimId: s.id, patientControlNumber: s.input.patientControlNumber, status: s.result.status, billedCents: s.result.billedCents,
    paidCents: s.result.paidCents, patientRespCents: s.result.patientRespCents, duplicateOf: s.duplicateOf,
  }));
}
