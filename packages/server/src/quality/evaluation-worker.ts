/**
 * A measure-evaluation worker thread: keeps the measure bundles it was sent (so fqm-execution's
 * ELM cache stays warm) and evaluates batches of patient bundles on request.
 */
import { clearElmInfoCache } from 'fqm-execution/build/helpers/elm/ELMInfoCache.js';
import { parentPort } from 'node:worker_threads';
import { evaluateMeasure } from './evaluate-measure.ts';
import type { FhirBundle } from './measure-package.ts';

type Message =
  | { kind: 'measure'; measureId: string; replaces: boolean; bundle: FhirBundle }
  | { kind: 'evaluate'; task: number; measureId: string; patients: FhirBundle[]; periodStart: string; periodEnd: string };

const measures = new Map<string, FhirBundle>();

parentPort?.on('message', (m: Message) => {
  if (m.kind === 'measure') {
    // A reloaded package: fqm-execution caches ELM by the Measure's id and version, which a reload may keep.
    if (m.replaces) clearElmInfoCache();
    measures.set(m.measureId, m.bundle);
    return;
  }
  const bundle = measures.get(m.measureId);
  if (!bundle) {
    parentPort?.postMessage({ task: m.task, error: `measure ${m.measureId} was not sent to this worker` });
    return;
  }
  evaluateMeasure(bundle, m.patients, { periodStart: m.periodStart, periodEnd: m.periodEnd }).then(
    (results) => parentPort?.postMessage({ task: m.task, results }),
    (e: unknown) => parentPort?.postMessage({ task: m.task, error: (e as Error).message ?? String(e) }),
  );
});
parentPort?.postMessage({ ready: true });
