/**
 * One measure over a batch of patients, on fqm-execution (cql-execution underneath): the raw CQL
 * results, then fqm-execution's own population logic (denominator needs the initial population,
 * numerator needs a denominator not excluded, …) and, for every population a patient is in, the
 * FHIR resources that decided it — read from the per-clause results of the population's
 * definition, following expression references into the dependency libraries.
 *
 * Spec: https://hl7.org/fhir/us/cqfmeasures/STU4/measure-conformance.html (population criteria);
 * engine: https://github.com/projecttacoma/fqm-execution
 */
import { PatientSource } from 'cql-exec-fhir';
import { createPopulationValues } from 'fqm-execution/build/calculation/DetailedResultsBuilder.js';
import { execute } from 'fqm-execution/build/execution/Execution.js';
import type { FhirBundle, FhirResource } from './measure-package.ts';

export const POPULATION_CODES = ['initial-population', 'denominator', 'denominator-exclusion', 'denominator-exception', 'numerator', 'numerator-exclusion'] as const;
export type PopulationCode = (typeof POPULATION_CODES)[number];

export interface EvidenceRef {
  readonly type: string;
  readonly id: string;
}

export interface PatientMeasureResult {
  readonly patientId: string;
  /** The measure's populations and whether the patient is in each (absent: not defined by the measure). */
  readonly populations: Partial<Record<PopulationCode, boolean>>;
  /** For each population the patient is in, the resources that decided it (deduplicated). */
  readonly evidence: Partial<Record<PopulationCode, EvidenceRef[]>>;
  readonly error?: string;
}

export interface EvaluateOptions {
  readonly periodStart: string;
  readonly periodEnd: string;
}

type MeasureShape = FhirResource & { group?: Array<{ population?: Array<{ code?: { coding?: Array<{ code?: string }> }; criteria?: { expression?: string } }> }> };
type ElmNode = { type?: string; localId?: string; name?: string; libraryName?: string; [k: string]: unknown };
type ElmLibrary = {
  library: {
    identifier: { id: string };
    includes?: { def?: Array<{ localIdentifier: string; path: string }> };
    statements?: { def?: Array<{ name: string; expression?: ElmNode; operand?: unknown[] }> };
  };
};

/** The options every Tandem evaluation uses: raw results, ELM kept warm between calls. */
export function engineOptions(o: EvaluateOptions) {
  return {
    measurementPeriodStart: o.periodStart,
    measurementPeriodEnd: o.periodEnd,
    // Claims-derived and submitted resources do not all declare QI-Core profiles.
    trustMetaProfile: false,
    useElmJsonsCaching: true,
    calculateSDEs: false,
    calculateRAVs: false,
    calculateHTML: false,
  };
}

/**
 * Patient sources parse the FHIR 4.0.1 model info (XML) when made — about 0.3 s, more than
 * evaluating ten patients — so each thread keeps the ones it made and reuses them (reset between
 * calls; one per evaluation in flight).
 */
const FREE_SOURCES: PatientSource[] = [];

/** Evaluates `measureBundle` for each patient bundle. One bad patient does not sink the batch. */
export async function evaluateMeasure(measureBundle: FhirBundle, patients: readonly FhirBundle[], o: EvaluateOptions): Promise<PatientMeasureResult[]> {
  if (!patients.length) return [];
  const measure = measureBundle.entry?.find((e) => e.resource?.resourceType === 'Measure')?.resource as MeasureShape | undefined;
  if (!measure?.group?.length) throw new Error('measure bundle has no Measure with a group');
  const group = measure.group[0]!;
  // fqm-execution's execute (what its Calculator.calculate runs) also hands back the executed ELM,
  // which the evidence walk below needs; Calculator.calculateRaw drops it.
  const source = FREE_SOURCES.pop() ?? PatientSource.FHIRv401({ requireProfileTagging: false });
  source.reset();
  source.loadBundles(patients as never);
  let raw: Awaited<ReturnType<typeof execute>>;
  try {
    raw = await execute(measure as never, measureBundle as never, source, engineOptions(o));
  } finally {
    source.reset();
    FREE_SOURCES.push(source);
  }
  if (raw.errorMessage || !raw.rawResults) {
    if (patients.length === 1) return [{ patientId: patientIdOf(patients[0]!), populations: {}, evidence: {}, error: raw.errorMessage ?? 'no results' }];
    // Evaluate one by one so that the failing patient is named and the others still count.
    const one = await Promise.all(patients.map((p) => evaluateMeasure(measureBundle, [p], o)));
    return one.flat();
  }
  const elm = (raw.elmLibraries ?? []) as unknown as ElmLibrary[];
  const mainName = raw.mainLibraryName ?? elm[0]?.library.identifier.id ?? '';
  const libs = new Map(elm.map((l) => [l.library.identifier.id, l]));
  const results = raw.rawResults as unknown as { patientResults: Record<string, Record<string, unknown>>; localIdPatientResultsMap: Record<string, Record<string, Record<string, unknown>>> };
  const out: PatientMeasureResult[] = [];
  for (const patientId of Object.keys(results.patientResults)) {
    const statementResults = results.patientResults[patientId]!;
    const values = createPopulationValues(measure as never, group as never, statementResults as never);
    const populations: Partial<Record<PopulationCode, boolean>> = {};
    const evidence: Partial<Record<PopulationCode, EvidenceRef[]>> = {};
    for (const p of values.populationResults ?? []) {
      const code = p.populationType as string as PopulationCode;
      if (!(POPULATION_CODES as readonly string[]).includes(code)) continue;
      populations[code] = p.result === true;
      if (p.result !== true) continue;
      const expression = group.population?.find((gp) => gp.code?.coding?.[0]?.code === code)?.criteria?.expression;
      if (!expression) continue;
      const refs = decidingResources(libs, mainName, expression, results.localIdPatientResultsMap[patientId] ?? {});
      if (refs.length) evidence[code] = refs;
    }
    out.push({ patientId, populations, evidence });
  }
  return out;
}

function patientIdOf(b: FhirBundle): string {
  return String(b.entry?.find((e) => e.resource?.resourceType === 'Patient')?.resource?.id ?? '');
}

/** Resources in the outermost clause results of a definition that hold FHIR resources. */
function decidingResources(libs: Map<string, ElmLibrary>, mainName: string, statement: string, localIds: Record<string, Record<string, unknown>>): EvidenceRef[] {
  const found = new Map<string, EvidenceRef>();
  const seen = new Set<string>();
  const visitDef = (libName: string, name: string) => {
    const key = `${libName}.${name}`;
    if (seen.has(key)) return;
    seen.add(key);
    const lib = libs.get(libName);
    const def = lib?.library.statements?.def?.find((d) => d.name === name && !d.operand?.length);
    if (lib && def?.expression) visit(lib, def.expression);
  };
  const visit = (lib: ElmLibrary, node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const n of node) visit(lib, n);
      return;
    }
    const n = node as ElmNode;
    if (n.localId !== undefined) {
      const value = localIds[lib.library.identifier.id]?.[n.localId];
      const refs = resourcesIn(value);
      if (refs.length) {
        for (const r of refs) found.set(`${r.type}/${r.id}`, r);
        return;
      }
    }
    if (n.type === 'ExpressionRef' && typeof n.name === 'string') {
      const target = n.libraryName ? lib.library.includes?.def?.find((i) => i.localIdentifier === n.libraryName)?.path : lib.library.identifier.id;
      if (target) visitDef(target, n.name);
      return;
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'annotation' && v && typeof v === 'object') visit(lib, v);
  };
  visitDef(mainName, statement);
  return [...found.values()];
}

/** FHIR resources (cql-exec-fhir FHIRObjects keep their JSON in `_json`) inside a clause result. */
function resourcesIn(value: unknown): EvidenceRef[] {
  const items = Array.isArray(value) ? value : [value];
  const refs: EvidenceRef[] = [];
  for (const v of items) {
    const json = (v as { _json?: FhirResource } | null)?._json;
    if (json && typeof json.resourceType === 'string' && json.resourceType !== 'Patient' && typeof json.id === 'string') refs.push({ type: json.resourceType, id: json.id });
  }
  return refs;
}
