/**
 * `tandem measures load DIR`: a measure package read, assembled (measure-package.ts) and stored.
 * CMS125 and CMS130 ship in packages/server/data/measures (CC0, from
 * cqframework/ecqm-content-qicore-2024 @9ebd48f).
 */
import { saveMeasurePackage } from '@tandem/store';
import { fileURLToPath } from 'node:url';
import type { Deps } from '../deps.ts';
import { readMeasurePackage, type MeasurePackage } from '../quality/measure-package.ts';

export const SHIPPED_MEASURES_DIR = fileURLToPath(new URL('../../data/measures/', import.meta.url));
export const SHIPPED_MEASURES = ['BreastCancerScreeningFHIR', 'ColonCancerScreeningFHIR'].map((n) => `${SHIPPED_MEASURES_DIR}${n}`);

/** Default targets (basis points) for the shipped measures, near the published national performance: set at load, changeable with --target-bps. */
const DEFAULT_TARGETS: Record<string, number> = { BreastCancerScreeningFHIR: 7_400, ColonCancerScreeningFHIR: 7_000 };

export async function loadMeasurePackage(deps: Deps, dir: string, opts: { targetBps?: number } = {}): Promise<MeasurePackage> {
  const pkg = readMeasurePackage(dir);
  await saveMeasurePackage(deps.store.db, {
    id: pkg.id, name: pkg.name, title: pkg.title, url: pkg.url, version: pkg.version, bundle: pkg.bundle, corrections: pkg.corrections.map((c) => ({ ...c })),
    improvementNotation: pkg.improvementNotation, targetBps: opts.targetBps ?? DEFAULT_TARGETS[pkg.name] ?? null,
  });
  deps.log.info({ measure: pkg.id, libraries: pkg.libraries.length, valueSets: pkg.valueSets, corrections: pkg.corrections.length }, 'measure package loaded');
  return pkg;
}
