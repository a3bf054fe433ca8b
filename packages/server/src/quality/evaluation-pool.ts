/**
 * Measure evaluation spread over worker threads: each worker holds every measure bundle once and
 * takes batches of patients; batches go to the worker with the fewest in flight. With `threads: 0`
 * evaluation runs on the calling thread (tests, tiny populations).
 *
 * Workers do not inherit tsx's loader for a .ts entry, so each registers it before loading
 * evaluation-worker.ts (the same boot the HCC benchmark uses).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { evaluateMeasure, type PatientMeasureResult } from './evaluate-measure.ts';
import type { FhirBundle } from './measure-package.ts';

export interface EvaluationPool {
  readonly threads: number;
  evaluate(measureId: string, bundle: FhirBundle, patients: readonly FhirBundle[], period: { periodStart: string; periodEnd: string }): Promise<PatientMeasureResult[]>;
  close(): Promise<void>;
}

const WORKER_URL = new URL('./evaluation-worker.ts', import.meta.url).href;
const BOOT = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); });`;

/** Default worker count: one per core, leaving one for the server and the database. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

export function createEvaluationPool(opts: { threads?: number } = {}): EvaluationPool {
  const threads = opts.threads ?? defaultThreads();
  if (threads === 0)
    return { threads: 0, evaluate: (_id, bundle, patients, p) => evaluateMeasure(bundle, patients, p), close: async () => {} };

  type Slot = { worker: Worker; ready: Promise<void>; inFlight: number; measures: Set<string> };
  const pending = new Map<number, { resolve: (r: PatientMeasureResult[]) => void; reject: (e: Error) => void; slot: Slot }>();
  let nextTask = 1;
  const slots: Slot[] = Array.from({ length: threads }, () => {
    const worker = new Worker(BOOT, { eval: true });
    const slot: Slot = { worker, inFlight: 0, measures: new Set(), ready: new Promise((ok, fail) => {
      worker.once('error', fail);
      worker.once('message', () => ok());
    }) };
    worker.on('message', (m: { task?: number; results?: PatientMeasureResult[]; error?: string }) => {
      if (m.task === undefined) return;
      const p = pending.get(m.task);
      if (!p) return;
      pending.delete(m.task);
      p.slot.inFlight--;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.results ?? []);
    });
    worker.on('error', (e) => {
      for (const [id, p] of pending) if (p.slot === slot) { pending.delete(id); p.reject(e); }
    });
    // An idle pool must not keep a CLI process alive.
    worker.unref();
    return slot;
  });

  return {
    threads,
    async evaluate(measureId, bundle, patients, period) {
      if (!patients.length) return [];
      const slot = slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      slot.inFlight++;
      slot.worker.ref();
      await slot.ready;
      if (!slot.measures.has(measureId)) {
        slot.worker.postMessage({ kind: 'measure', measureId, bundle });
        slot.measures.add(measureId);
      }
      const task = nextTask++;
      try {
        return await new Promise<PatientMeasureResult[]>((resolve, reject) => {
          pending.set(task, { resolve, reject, slot });
          slot.worker.postMessage({ kind: 'evaluate', task, measureId, patients, ...period });
        });
      } finally {
        if (slot.inFlight === 0) slot.worker.unref();
      }
    },
    async close() {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
