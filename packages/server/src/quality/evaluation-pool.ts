/**
 * Measure evaluation spread over worker threads: each worker holds every measure bundle once and
 * takes batches of patients; batches go to the worker with the fewest in flight. With `threads: 0`
 * evaluation runs on the calling thread (tests, tiny populations).
 *
 * Measures are held by version (the package's load time): a package reloaded while the pool runs
 * is sent again to each worker on its next batch, and the worker drops fqm-execution's ELM cache,
 * which is keyed by the Measure's id and version and would otherwise keep the old logic.
 *
 * The engine (fqm-execution, cql-execution: ~50 MiB of RSS once loaded) is imported only when a
 * measure is evaluated on this thread, so a server whose pool uses worker threads — or that never
 * evaluates — does not carry it (it counts against every export's memory, for one).
 *
 * Workers do not inherit tsx's loader for a .ts entry, so each registers it before loading
 * evaluation-worker.ts (the same boot the HCC benchmark uses).
 */
import { measureBundle, measureVersions, type Db } from '@tandem/store';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { evaluateMeasure as EvaluateMeasure, PatientMeasureResult } from './evaluate-measure.ts';
import type { FhirBundle } from './measure-package.ts';

export interface EvaluationPool {
  readonly threads: number;
  /** Whether the pool holds this version of the measure. */
  has(measureId: string, version: string): boolean;
  /** Gives the pool a measure's bundle at a version; workers pick it up on their next batch. */
  setMeasure(measureId: string, version: string, bundle: FhirBundle): void;
  evaluate(measureId: string, patients: readonly FhirBundle[], period: { periodStart: string; periodEnd: string }): Promise<PatientMeasureResult[]>;
  close(): Promise<void>;
}

const WORKER_URL = new URL('./evaluation-worker.ts', import.meta.url).href;
const BOOT = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); });`;

/** Default worker count: one per core, leaving one for the server and the database. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * The loaded measures, with the pool brought up to date: a bundle is read from the database only
 * when the pool does not hold its current version (a one-member re-evaluation reads none).
 */
type InProcessEngine = { evaluateMeasure: typeof EvaluateMeasure; clearElmInfoCache: () => void };

async function loadInProcessEngine(): Promise<InProcessEngine> {
  const [{ evaluateMeasure }, { clearElmInfoCache }] = await Promise.all([import('./evaluate-measure.ts'), import('fqm-execution/build/helpers/elm/ELMInfoCache.js')]);
  return { evaluateMeasure, clearElmInfoCache };
}

export async function syncMeasures(db: Db, pool: EvaluationPool) {
  const versions = await measureVersions(db);
  for (const m of versions) if (!pool.has(m.id, m.version)) pool.setMeasure(m.id, m.version, (await measureBundle(db, m.id)) as FhirBundle);
  return versions;
}

export function createEvaluationPool(opts: { threads?: number } = {}): EvaluationPool {
  const threads = opts.threads ?? defaultThreads();
  const measures = new Map<string, { version: string; bundle: FhirBundle }>();
  const has = (id: string, version: string) => measures.get(id)?.version === version;
  const bundleOf = (id: string) => {
    const m = measures.get(id);
    if (!m) throw new Error(`measure ${id} was not given to the evaluation pool`);
    return m;
  };
  if (threads === 0) {
    let engine: Promise<InProcessEngine> | undefined;
    let loaded: InProcessEngine | undefined;
    return {
      threads: 0,
      has,
      setMeasure(id, version, bundle) {
        // Nothing is cached before the engine is first loaded.
        if (measures.has(id)) loaded?.clearElmInfoCache();
        measures.set(id, { version, bundle });
      },
      evaluate: async (id, patients, p) => {
        loaded ??= await (engine ??= loadInProcessEngine());
        return loaded.evaluateMeasure(bundleOf(id).bundle, patients, p);
      },
      close: async () => {},
    };
  }

  type Slot = { worker: Worker; ready: Promise<void>; inFlight: number; versions: Map<string, string> };
  const pending = new Map<number, { resolve: (r: PatientMeasureResult[]) => void; reject: (e: Error) => void; slot: Slot }>();
  let nextTask = 1;
  const slots: Slot[] = Array.from({ length: threads }, () => {
    const worker = new Worker(BOOT, { eval: true });
    const slot: Slot = { worker, inFlight: 0, versions: new Map(), ready: new Promise((ok, fail) => {
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
    has,
    setMeasure(id, version, bundle) {
      measures.set(id, { version, bundle });
    },
    async evaluate(measureId, patients, period) {
      if (!patients.length) return [];
      const m = bundleOf(measureId);
      const slot = slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      slot.inFlight++;
      slot.worker.ref();
      await slot.ready;
      if (slot.versions.get(measureId) !== m.version) {
        // Messages are handled in order, so every later batch sees this version.
        slot.worker.postMessage({ kind: 'measure', measureId, replaces: slot.versions.has(measureId), bundle: m.bundle });
        slot.versions.set(measureId, m.version);
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
