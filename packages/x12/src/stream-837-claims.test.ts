/**
 * The claim-by-claim stream agrees with the whole-file reader on every 837 of the corpus
 * (claims, verdicts and findings), whatever the chunk size.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from './finding.ts';
import { read837 } from './read-837.ts';
import { stream837Claims } from './stream-837-claims.ts';

const DIR = fileURLToPath(new URL('../test-fixtures/', import.meta.url));
const files = ['837P', '837I'].flatMap((k) => readdirSync(join(DIR, k)).map((f) => `${k}/${f}`));

async function* chunks(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

const key = (f: Finding) => `${f.severity} ${f.code} ${f.segmentId ?? ''}@${f.segmentPosition ?? ''} ${f.elementPosition ?? ''}`;

describe('stream837Claims', () => {
  for (const f of files) {
    it(`reads ${f} like read837`, async () => {
      const text = readFileSync(join(DIR, f), 'latin1');
      const whole = read837(text);
      if (whole.fatal) return; // not an interchange at all: the stream throws X12ReadError instead
      const sets = whole.interchanges.flatMap((i) => i.groups.flatMap((g) => g.transactionSets));
      for (const size of [7, 4096]) {
        const claims = [];
        const verdicts = [];
        for await (const e of stream837Claims(chunks(text, size))) {
          if (e.kind === 'claim') claims.push(e.claim);
          else verdicts.push(e.set);
        }
        expect(claims).toEqual(sets.flatMap((s) => s.claims));
        expect(verdicts.map((v) => [v.controlNumber, v.accepted])).toEqual(sets.map((s) => [s.controlNumber, s.accepted]));
        verdicts.forEach((v, i) => expect(v.findings.map(key).sort()).toEqual(sets[i]!.findings.map(key).sort()));
      }
    });
  }
});

describe('a defect in one transaction set', () => {
  it('rejects that set and still reads the next one, in every reader', async () => {
    const { readX12 } = await import('./read-x12.ts');
    const { streamX12 } = await import('./stream-837.ts');
    const text = readFileSync(join(DIR, '837P/imsweb__x12_multiple_st.txt'), 'latin1');
    const first = text.indexOf('CLM*');
    const broken = `${text.slice(0, first)}CLX*${text.slice(first + 4)}`;
    const whole = readX12(broken).interchanges[0]!.groups[0]!.sets.map((s) => s.accepted);
    expect(whole).toEqual([false, true]);
    const streamed: boolean[] = [];
    for await (const s of streamX12(chunks(broken, 64))) streamed.push(s.set.accepted);
    expect(streamed).toEqual(whole);
    const verdicts: boolean[] = [];
    let claimsAfter = 0;
    for await (const e of stream837Claims(chunks(broken, 64))) {
      if (e.kind === 'set') verdicts.push(e.set.accepted);
      else if (verdicts.length === 1) claimsAfter++;
    }
    expect(verdicts).toEqual(whole);
    expect(claimsAfter).toBeGreaterThan(0);
  });
});
