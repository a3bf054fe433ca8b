/**
 * Every transaction of the public corpus (test-fixtures/, provenance in SOURCES.tsv) read
 * through its implementation guide: routed to the right guide, free of errors unless it
 * carries a known upstream defect (which must then be found), and lossless through the
 * JSON form: X12 → JSON → X12 → JSON gives the same JSON, with SE01/GE01/IEA01 recounted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from './finding.ts';
import { fromJson, toJson, type JsonLoop, type X12Json } from './json.ts';
import { readX12, type X12Document } from './read-x12.ts';
import { typedView, type TypedView } from './views/index.ts';

const DIR = fileURLToPath(new URL('../test-fixtures/', import.meta.url));
const rows = readFileSync(join(DIR, 'SOURCES.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
const negative = new Set(rows.filter((c) => c[5]?.trim() === 'negative-test').map((c) => c[0]!));
const files = rows.map((c) => c[0]!).filter((f) => !f.startsWith('dup-of') && !negative.has(f) && readdirSync(join(DIR, f.split('/')[0]!)).includes(f.split('/')[1]!));

/** The guide each corpus folder's transactions must be routed to. */
const EXPECTED_GUIDES: Record<string, string[]> = {
  '837P': ['837P'], '837I': ['837I'], '837D': ['837D'], '835': ['835'], '270': ['270'], '271': ['271'], '276': ['276'], '277': ['277'], '277CA': ['277CA'],
  '278': ['278-request', '278-response'], '834': ['834', '834-HIX'], '820': ['820', '820-HIX'], '999': ['999'], '997': ['997'],
};

/** Defects in "valid" upstream files (see shared/data/README.md): the finding code each must produce. */
const KNOWN_DEFECTS: Record<string, string[]> = {
  '835/lfh__tertiary-payment.835': ['svc-unbalanced'], // SVC*HC*24599 where HC:24599 is meant
  '835/lfh__managed-care.835': ['element-8'], // BPR16 '20002316' is no date (month 23)
  '999/imsweb__x12_999_accepted.txt': ['001'], // IEA02 ≠ ISA13
  '277/imsweb__x12_277_x212.txt': ['001'],
  '277/stupidedi__X212-HR277-Heatlh-Care-Information-Status-Notification_pass_1.era': ['001'],
  '271/lfh__subscriber-health-benefit-check-error.271': ['se-control'], // SE02 ≠ ST02
  // Service levels (HL SS) whose HL02 names the previous service instead of the patient event.
  '278/stupidedi__X217-HI278-Health-Care-Services-Review---Request-for-Review-and-Response_pass_request-for-non-emergency-transportation.edi': ['hl-level'],
  // DTP02 'UN' is no date format qualifier (X307 exchange variant, beyond the guides).
  '834/stupidedi__X307-BE834-Health-Insurance-Exchange-Enrollment_pass_shop-enrollment-in-qualified-health-plan-through-health-insurance-exchange.edi': ['element-7'],
};

function findings(doc: X12Document): Finding[] {
  return [...(doc.fatal ? [doc.fatal] : []), ...doc.interchanges.flatMap((i) => [...i.findings, ...i.groups.flatMap((g) => [...g.findings, ...g.sets.flatMap((s) => s.findings)])])];
}

/** SE01, GE01 and IEA01 as the writer computes them, so a sender's wrong counts do not count as loss. */
function recounted(json: X12Json): X12Json {
  const copy = structuredClone(json);
  for (const ic of copy.interchanges) {
    for (const g of ic.groups) {
      for (const t of g.transactions) {
        let n = 0;
        const count = (l: JsonLoop) => l.content.forEach((c) => (Array.isArray(c) ? n++ : count(c)));
        count(t);
        const last = t.content[t.content.length - 1];
        if (Array.isArray(last) && last[0] === 'SE') last[1] = String(n);
      }
    }
  }
  return copy;
}

describe('implementation guides over the corpus', () => {
  it('has transactions of every guide family', () => {
    expect(new Set(files.map((f) => f.split('/')[0]))).toEqual(new Set(Object.keys(EXPECTED_GUIDES)));
  });

  for (const f of files) {
    it(`reads ${f}`, () => {
      const doc = readX12(readFileSync(join(DIR, f), 'latin1'));
      const sets = doc.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets));
      expect(sets.length).toBeGreaterThan(0);
      for (const s of sets) expect(EXPECTED_GUIDES[f.split('/')[0]!]).toContain(s.guide?.key);
      const errors = findings(doc).filter((x) => x.severity === 'error');
      const known = KNOWN_DEFECTS[f];
      if (known) for (const code of known) expect(errors.map((e) => e.code)).toContain(code);
      else expect(errors.map((e) => `${e.segmentId}@${e.segmentPosition} ${e.message}`)).toEqual([]);
    });

    it(`round-trips ${f} through JSON`, () => {
      const first = toJson(readX12(readFileSync(join(DIR, f), 'latin1')));
      const written = fromJson(first);
      const second = toJson(readX12(written));
      expect(second).toEqual(recounted(first));
      expect(fromJson(second)).toBe(written);
    });
  }

  it('gives every transaction a typed view', () => {
    for (const f of files) {
      const doc = readX12(readFileSync(join(DIR, f), 'latin1'));
      for (const s of doc.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets))) {
        const v = typedView(s, doc.delimiters!);
        expect(v.type, f).not.toBe('unsupported');
        const count = 'claims' in v ? v.claims.length : 'remittances' in v ? v.remittances.length : 'inquiries' in v ? v.inquiries.length : 'responses' in v ? v.responses.length
          : 'reviews' in v ? v.reviews.length : 'enrollment' in v ? v.enrollment.members.length : 'payment' in v ? v.payment.remittances.length : 1;
        expect(count, f).toBeGreaterThan(0);
      }
    }
  });

  const view = (f: string): TypedView => {
    const doc = readX12(readFileSync(join(DIR, f), 'latin1'));
    return typedView(doc.interchanges[0]!.groups[0]!.sets[0]!, doc.delimiters!);
  };

  it('reads dental claims with procedure codes and teeth', () => {
    const v = view('837D/stupidedi__X224A2-HC837-Health-Care-Claim-Dental_pass_multiple-tooth-numbers.edi');
    if (v.type !== 'claims') throw new Error(v.type);
    const line = v.claims[0]!.lines[0]!;
    expect(line.procedure?.qualifier).toBe('AD');
    expect(line.teeth?.length).toBeGreaterThan(1);
  });

  it('reads benefits, decisions, enrollments, payments and claim acknowledgments as typed values', () => {
    const e = view('271/lfh__demo.271');
    expect(e.type === 'eligibility-response' && e.responses[0]!.benefits.find((b) => b.code === '1')?.planDescription).toBe('GOLD 123 PLAN');
    const r = view('278/stupidedi__X217-HI278-Health-Care-Services-Review---Request-for-Review-and-Response_pass_admission-response-to-request-for-review.edi');
    expect(r.type === 'service-review-response' && r.reviews[0]!.decision).toEqual({ action: 'A6', reference: 'AUTH0002' });
    const m = view('834/lfh__demo.834');
    expect(m.type === 'enrollment' && m.enrollment.members[0]!.person).toMatchObject({ name: 'DOE', firstName: 'JOHN', dateOfBirth: '1940-08-16' });
    const p = view('820/stupidedi__X218-RA820-Payroll-Deducted-and-Other-Group-Premium-Payment-for-Insurance-Products_pass_list-bill.edi');
    if (p.type !== 'premium-payment') throw new Error(p.type);
    expect(p.payment.remittances.reduce((t, x) => t + (x.paidCents ?? 0), 0)).toBe(p.payment.totalCents);
    const a = view('277CA/imsweb__x12_277CA_rejected.txt');
    expect(a.type === 'claim-acknowledgment' && a.claims.find((c) => c.level === 'claim')!.statuses[0]).toMatchObject({ category: 'A7', status: '562', entity: '85' });
  });

  it('finds the two 278 files whose SE01 is off by one', () => {
    const off = files.filter((f) => f.startsWith('278/')).filter((f) => findings(readX12(readFileSync(join(DIR, f), 'latin1'))).some((x) => x.code === 'se-count'));
    expect(off).toHaveLength(2);
  });
});

describe('277CA claim acknowledgment', () => {
  it('acknowledges each claim of accepted 837 sets, rejecting the out-of-balance ones, and reads back as a valid X214', async () => {
    const { build277CA, read837 } = await import('./index.ts');
    // imsweb's many-claims sample: CLM02 500 against lines of 12.25 — out of balance, so 277CA rejects it (A3:400).
    for (const [f, accepted] of [['837P/lfh__demo.example9.837', true], ['837P/imsweb__x12_many_claims.txt', false]] as const) {
      const result = read837(readFileSync(join(DIR, f), 'latin1'));
      const text = build277CA(result, { senderId: 'PAYER', receiverId: 'SUBMITTER', controlNumber: 12, date: new Date('2026-11-22T10:00:00Z'), payerName: 'TANDEM HEALTH PLAN', payerId: 'TANDEM' })!;
      const doc = readX12(text);
      const set = doc.interchanges[0]!.groups[0]!.sets[0]!;
      expect(set.guide?.key).toBe('277CA');
      expect(set.findings.filter((x) => x.severity === 'error')).toEqual([]);
      const v = typedView(set, doc.delimiters!);
      if (v.type !== 'claim-acknowledgment') throw new Error(v.type);
      const claims = v.claims.filter((c) => c.level === 'claim');
      expect(claims.length).toBe(result.interchanges.flatMap((i) => i.groups.flatMap((g) => g.transactionSets)).reduce((t, s) => t + s.claims.length, 0));
      for (const c of claims) expect(c.statuses[0]).toMatchObject(accepted ? { category: 'A2', status: '20' } : { category: 'A3', status: '400' });
    }
  });
});

describe('element lengths (SNIP 2)', () => {
  it('rejects a too-long name and a too-short state code with IK4 5 and 4', async () => {
    const { build999, read999 } = await import('./index.ts');
    const { ackInputOf } = await import('./read-x12.ts');
    const text = readFileSync(join(DIR, '271/lfh__demo.271'), 'latin1').replace('NM1*IL*1*SMITH*JOHN', `NM1*IL*1*${'S'.repeat(61)}*JOHN`);
    const doc = readX12(text);
    const f = findings(doc).find((x) => x.code === 'element-5');
    expect(f).toMatchObject({ segmentId: 'NM1', elementPosition: 3, ik4Code: '5' });
    const ack = read999(build999(ackInputOf(doc), { senderId: 'P', receiverId: 'S', controlNumber: 1, date: new Date('2026-11-22T00:00:00Z') }));
    expect(ack.groups[0]!.ak9).toBe('R');
    const short = readX12(readFileSync(join(DIR, '834/lfh__demo.834'), 'latin1').replace('*CAMP HILL*PA*', '*CAMP HILL*P*'));
    expect(findings(short).find((x) => x.code === 'element-4')).toMatchObject({ segmentId: 'N4', elementPosition: 2, ik4Code: '4' });
  });
});

describe('writing 278 and 271 from their typed views', () => {
  it('writes every corpus 278 and 271 back to X12 the reader accepts with the same typed view', async () => {
    const { write271, write278 } = await import('./index.ts');
    const opts = { senderId: 'PAYER', receiverId: 'PROVIDER', interchangeControlNumber: 9, date: new Date('2026-11-22T10:00:00Z'), reference: 'R1' };
    for (const f of files.filter((x) => x.startsWith('278/') || x.startsWith('271/'))) {
      const doc = readX12(readFileSync(join(DIR, f), 'latin1'));
      for (const set of doc.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets))) {
        const v = typedView(set, doc.delimiters!);
        const text = v.type === 'eligibility-response' ? write271(v.responses, opts) : v.type === 'service-review-request' || v.type === 'service-review-response' ? write278(v.reviews, opts) : null;
        if (!text) throw new Error(`${f}: ${v.type}`);
        const again = readX12(text);
        expect(findings(again).filter((x) => x.severity === 'error'), f).toEqual([]);
        const sets = again.interchanges[0]!.groups[0]!.sets;
        const back = sets.map((s) => typedView(s, again.delimiters!));
        if (v.type === 'eligibility-response') {
          const b = back[0]!;
          if (b.type !== 'eligibility-response') throw new Error(b.type);
          expect(b.responses.map((r) => [r.subscriber?.id, r.benefits.map((x) => [x.code, x.serviceTypes, x.amountCents, x.inNetwork]), r.rejections.map((x) => x.reason)]), f)
            .toEqual(v.responses.map((r) => [r.subscriber?.id, r.benefits.map((x) => [x.code, x.serviceTypes, x.amountCents, x.inNetwork]), r.rejections.map((x) => x.reason)]));
        } else if (v.type === 'service-review-request' || v.type === 'service-review-response') {
          const reviews = back.flatMap((b) => ('reviews' in b ? b.reviews : []));
          const shape = (r: (typeof reviews)[number]) => [r.kind, r.umo.id, r.subscriber.id, r.dependent?.name, r.decision?.action, r.services.map((s) => [s.procedure?.code, s.decision?.action])];
          expect(reviews.map(shape), f).toEqual(v.reviews.map(shape));
        }
      }
    }
  });
});
