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
