/**
 * A package's test cases as a feature: each file under tests/ is a MADiE test case — a Bundle with
 * the patient's resources and the expected individual MeasureReport (cqfm-isTestCase) — evaluated
 * with the same engine as production and compared population by population.
 *
 * Spec: https://hl7.org/fhir/us/cqfmeasures/STU4/StructureDefinition-test-case-cqfm.html
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { PopulationCode } from './evaluate-measure.ts';
import type { FhirBundle, FhirResource, MeasurePackage } from './measure-package.ts';

export interface TestCaseOutcome {
  readonly file: string;
  readonly description: string;
  /** One line per population whose count differs (empty: passed). */
  readonly mismatches: string[];
}

type ExpectedReport = FhirResource & {
  period?: { start?: string; end?: string };
  group?: Array<{ population?: Array<{ code?: { coding?: Array<{ code?: string }> }; count?: number }> }>;
  extension?: Array<{ url?: string; valueMarkdown?: string }>;
};

/** Runs every test case of the package; `onCase` sees each outcome as it is known. */
export async function runMeasureTests(pkg: MeasurePackage, onCase?: (o: TestCaseOutcome) => void): Promise<TestCaseOutcome[]> {
  const outcomes: TestCaseOutcome[] = [];
  for (const file of pkg.testFiles) {
    const name = basename(file);
    let bundle: FhirBundle;
    try {
      bundle = JSON.parse(readFileSync(file, 'utf8')) as FhirBundle;
    } catch (e) {
      const o = { file: name, description: '', mismatches: [`not JSON: ${(e as Error).message}`] };
      outcomes.push(o);
      onCase?.(o);
      continue;
    }
    const expected = bundle.entry?.map((e) => e.resource).find((r): r is ExpectedReport => r?.resourceType === 'MeasureReport');
    const description = expected?.extension?.find((e) => e.url?.endsWith('cqfm-testCaseDescription'))?.valueMarkdown?.trim() ?? '';
    if (!expected?.period?.start || !expected.period.end) {
      const o = { file: name, description, mismatches: ['no expected MeasureReport with a period in the test case'] };
      outcomes.push(o);
      onCase?.(o);
      continue;
    }
    const patient: FhirBundle = { resourceType: 'Bundle', type: 'collection', entry: (bundle.entry ?? []).filter((e) => e.resource && e.resource.resourceType !== 'MeasureReport').map((e) => ({ resource: e.resource! })) };
    // Loaded here, not at the top: the engine is ~50 MiB that a server only needs when it evaluates.
    const { evaluateMeasure } = await import('./evaluate-measure.ts');
    const [result] = await evaluateMeasure(pkg.bundle, [patient], { periodStart: expected.period.start, periodEnd: expected.period.end });
    const mismatches: string[] = [];
    if (!result || result.error) mismatches.push(`evaluation failed: ${result?.error ?? 'no result'}`);
    else
      for (const p of expected.group?.[0]?.population ?? []) {
        const code = p.code?.coding?.[0]?.code as PopulationCode | undefined;
        if (!code) continue;
        const actual = result.populations[code];
        const got = actual === undefined ? 'not computed' : actual ? 1 : 0;
        if (got !== (p.count ?? 0)) mismatches.push(`${code}: expected ${p.count ?? 0}, got ${got}`);
      }
    const o = { file: name, description, mismatches };
    outcomes.push(o);
    onCase?.(o);
  }
  return outcomes;
}
