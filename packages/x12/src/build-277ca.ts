/**
 * The 277CA Health Care Claim Acknowledgment (005010X214) for the claims of accepted 837
 * transaction sets: after the 999 accepted the syntax, each claim is accepted for
 * processing (STC A2:20) or rejected as unprocessable (A3/A7 with the reason), with
 * counts and amounts per receiver and billing provider. Claims of sets the 999 rejected
 * are not acknowledged here (the 999 already answered them).
 * https://x12.org — 005010X214 section 1.4 (business usage)
 */
import type { AckOptions } from './build-999.ts';
import type { Finding } from './finding.ts';
import type { Claim837, Read837Result } from './model-837.ts';
import { x12FromCents } from './money.ts';
import { d8, X12Writer } from './writer.ts';

export interface ClaimAcknowledgment {
  claim: Claim837;
  accepted: boolean;
  /** STC01 composite parts: category, status, entity (when rejected). */
  status: { category: string; status: string; entity?: string };
}

/** Claim-level edits that make a claim unprocessable without rejecting its transaction set. */
const CLAIM_EDITS: ReadonlyArray<{ applies: (claim: Claim837, own: readonly Finding[]) => boolean; status: ClaimAcknowledgment['status'] }> = [
  // 400: claim is out of balance (CLM02 ≠ Σ line charges).
  { applies: (_, own) => own.some((f) => f.code === 'claim-unbalanced'), status: { category: 'A3', status: '400' } },
  // 562: entity's National Provider Identifier; 85 billing provider.
  { applies: (c) => c.billingProvider.npi !== null && !/^\d{10}$/.test(c.billingProvider.npi), status: { category: 'A3', status: '562', entity: '85' } },
];

/** Decides each claim of each accepted set. */
export function acknowledgeClaims(result: Read837Result): ClaimAcknowledgment[] {
  const out: ClaimAcknowledgment[] = [];
  for (const ic of result.interchanges)
    for (const g of ic.groups)
      for (const s of g.transactionSets) {
        if (!s.accepted) continue;
        s.claims.forEach((claim, i) => {
          const from = claim.position.clmSegmentPosition;
          const to = s.claims[i + 1]?.position.clmSegmentPosition ?? Number.MAX_SAFE_INTEGER;
          const own = s.findings.filter((f) => f.segmentPosition !== undefined && f.segmentPosition >= from && f.segmentPosition < to);
          const edit = CLAIM_EDITS.find((e) => e.applies(claim, own));
          out.push({ claim, accepted: !edit, status: edit ? edit.status : { category: 'A2', status: '20' } });
        });
      }
  return out;
}

export function build277CA(result: Read837Result, o: AckOptions & { payerName: string; payerId: string }): string | null {
  const acks = acknowledgeClaims(result);
  if (acks.length === 0) return null;
  const w = new X12Writer({ senderId: o.senderId, receiverId: o.receiverId, controlNumber: o.controlNumber, date: o.date });
  const today = d8(o.date.toISOString().slice(0, 10));
  const sum = (xs: ClaimAcknowledgment[]) => x12FromCents(xs.reduce((t, a) => t + a.claim.totalChargeCents, 0));
  const counts = (xs: ClaimAcknowledgment[], acceptedQty: string, rejectedQty: string) => {
    const ok = xs.filter((a) => a.accepted);
    const bad = xs.filter((a) => !a.accepted);
    if (ok.length) w.segment('QTY', acceptedQty, ok.length);
    if (bad.length) w.segment('QTY', rejectedQty, bad.length);
    if (ok.length) w.segment('AMT', 'YU', sum(ok));
    if (bad.length) w.segment('AMT', 'YY', sum(bad));
  };
  w.gs('HN', '005010X214', 1);
  w.st('277', '0001', '005010X214');
  w.segment('BHT', '0085', '08', `${o.controlNumber}`, today, o.date.toISOString().slice(11, 16).replace(':', ''), 'TH');
  let hl = 0;
  const source = ++hl;
  w.segment('HL', source, '', '20', '1');
  w.segment('NM1', 'PR', '2', o.payerName, '', '', '', '', 'PI', o.payerId);
  w.segment('TRN', '1', `${o.controlNumber}`);
  w.segment('DTP', '050', 'D8', today);
  w.segment('DTP', '009', 'D8', today);
  const bySubmitter = group(acks, (a) => `${a.claim.submitter.id}|${a.claim.submitter.name}`);
  for (const [, subs] of bySubmitter) {
    const receiver = ++hl;
    const first = subs[0]!.claim;
    w.segment('HL', receiver, source, '21', '1');
    w.segment('NM1', '41', '2', first.submitter.name, '', '', '', '', '46', first.submitter.id);
    w.segment('TRN', '2', first.position.transactionSetControlNumber);
    w.segment('STC', 'A1:19:PR', today, 'WQ', sum(subs));
    counts(subs, '90', 'AA');
    for (const [, provs] of group(subs, (a) => `${a.claim.billingProvider.npi}|${a.claim.billingProvider.name}`)) {
      const provider = ++hl;
      const bp = provs[0]!.claim.billingProvider;
      w.segment('HL', provider, receiver, '19', '1');
      w.segment('NM1', '85', bp.entityType, bp.name, '', '', '', '', 'XX', bp.npi ?? '');
      w.segment('TRN', '1', '0');
      if (bp.taxId) w.segment('REF', 'TJ', bp.taxId);
      counts(provs, 'QA', 'QC');
      for (const a of provs) {
        const c = a.claim;
        const patient = c.patient ?? c.subscriber;
        w.segment('HL', ++hl, provider, 'PT');
        w.segment('NM1', 'QC', '1', patient.lastName, patient.firstName ?? '', '', '', '', 'MI', c.subscriber.memberId);
        w.segment('TRN', '2', c.patientControlNumber);
        const code = [a.status.category, a.status.status, a.status.entity].filter(Boolean).join(':');
        w.segment('STC', code, today, a.accepted ? 'WQ' : 'U', x12FromCents(c.totalChargeCents));
        if (c.payerClaimControlNumber) w.segment('REF', '1K', c.payerClaimControlNumber);
        const from = c.statementFrom ?? c.lines[0]?.serviceDateFrom;
        const to = c.statementTo ?? c.lines[c.lines.length - 1]?.serviceDateTo;
        if (from && to) w.segment('DTP', '472', from === to ? 'D8' : 'RD8', from === to ? d8(from) : `${d8(from)}-${d8(to)}`);
      }
    }
  }
  w.se();
  w.ge();
  return w.toString();
}

function group<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}
