/**
 * A measure package on disk, in the layout CMS's MADiE exports and ../shared/data/measures uses:
 *
 *   DIR/Measure-<name>.json            the Measure
 *   DIR/Library-<name>.json            its main Library (CQL + ELM JSON)
 *   DIR/valuesets-<name>-bundle.json   the expanded ValueSets
 *   DIR/tests/*.json                   test cases (optional): one transaction Bundle per case
 *   DIR/libraries/ or DIR/../libraries dependency Libraries, shared between measures
 *
 * is assembled into the one collection Bundle fqm-execution evaluates: Measure + main Library +
 * every Library it depends on (relatedArtifact depends-on, resolved recursively) + the ValueSets.
 * A package that cannot be assembled is refused with every missing piece named.
 *
 * Spec: https://hl7.org/fhir/us/cqfmeasures/STU4/measure-packaging.html
 */
import { TandemError } from '@tandem/core';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { applyKnownCorrections, type PackageCorrection } from './package-corrections.ts';

/** A FHIR resource as JSON; the engine reads the shapes it needs. */
export type FhirResource = { resourceType: string; id?: string; [k: string]: unknown };
export interface FhirBundle extends FhirResource {
  resourceType: 'Bundle';
  type: string;
  entry?: Array<{ resource?: FhirResource; fullUrl?: string; [k: string]: unknown }>;
}

export interface MeasurePackage {
  /** Measure.url|Measure.version — the key results are stored under. */
  readonly id: string;
  /** Short name (Measure.name), e.g. BreastCancerScreeningFHIR. */
  readonly name: string;
  readonly title: string;
  readonly url: string;
  readonly version: string;
  /** The assembled collection Bundle (Measure first). */
  readonly bundle: FhirBundle;
  /** Corrections applied to upstream defects, each with its reason (shown at load). */
  readonly corrections: readonly PackageCorrection[];
  /** increase: a higher score is better (a missing numerator is a gap). */
  readonly improvementNotation: 'increase' | 'decrease';
  /** Library names, in dependency order found. */
  readonly libraries: readonly string[];
  readonly valueSets: number;
  /** Test case files under tests/, absolute paths. */
  readonly testFiles: readonly string[];
}

interface LibraryResource extends FhirResource {
  url?: string;
  name?: string;
  version?: string;
  relatedArtifact?: Array<{ type?: string; resource?: string }>;
  content?: Array<{ contentType?: string }>;
}

function readJson(file: string, problems: string[]): FhirResource | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!v || typeof v !== 'object' || typeof (v as FhirResource).resourceType !== 'string') {
      problems.push(`${basename(file)} is not a FHIR resource (no resourceType)`);
      return null;
    }
    return v as FhirResource;
  } catch (e) {
    problems.push(`${basename(file)} is not JSON: ${(e as Error).message}`);
    return null;
  }
}

function jsonFiles(dir: string): string[] {
  return existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => join(dir, f)) : [];
}

/** `http://x/Library/Name|1.2.3` → `Name|1.2.3` (the canonical's base differs between MADiE and eCQI). */
function libraryKey(canonical: string): string {
  const [url, version] = canonical.split('|');
  const name = (url ?? '').split('/').pop() ?? '';
  return version ? `${name}|${version}` : name;
}

/**
 * Reads and assembles the package in `dir`. Throws INVALID_REQUEST listing everything
 * that is missing or unreadable (no Measure, no main Library, a dependency not found, …).
 */
export function readMeasurePackage(dir: string): MeasurePackage {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new TandemError('INVALID_REQUEST', `measure package ${dir}: no such directory`);
  const problems: string[] = [];
  const files = jsonFiles(root);
  const measures = files.filter((f) => basename(f).startsWith('Measure-')).map((f) => readJson(f, problems)).filter((r): r is FhirResource => r?.resourceType === 'Measure');
  if (measures.length !== 1) problems.push(measures.length ? `${measures.length} Measure-*.json files (one expected)` : 'no Measure (Measure-<name>.json)');
  const measure = measures[0] as (FhirResource & { url?: string; version?: string; name?: string; title?: string; library?: string[] }) | undefined;

  const libraries = new Map<string, LibraryResource>();
  const addLibrary = (l: FhirResource | null) => {
    if (l?.resourceType !== 'Library') return;
    const lib = l as LibraryResource;
    if (lib.name) libraries.set(lib.version ? `${lib.name}|${lib.version}` : lib.name, lib);
    if (lib.name && !libraries.has(lib.name)) libraries.set(lib.name, lib);
  };
  for (const f of files.filter((x) => basename(x).startsWith('Library-'))) addLibrary(readJson(f, problems));
  for (const d of [join(root, 'libraries'), join(dirname(root), 'libraries')]) for (const f of jsonFiles(d)) addLibrary(readJson(f, problems));

  const valueSets: FhirResource[] = [];
  for (const f of files.filter((x) => basename(x).startsWith('valuesets-') || basename(x).startsWith('ValueSet-'))) {
    const r = readJson(f, problems);
    if (r?.resourceType === 'ValueSet') valueSets.push(r);
    else if (r?.resourceType === 'Bundle') for (const e of (r as FhirBundle).entry ?? []) if (e.resource?.resourceType === 'ValueSet') valueSets.push(e.resource);
  }

  // The main library, then its depends-on libraries, recursively. Model-info and code-system
  // dependencies are not Libraries we ship (the engine has the QI-Core/FHIR model built in).
  const mainRef = measure?.library?.[0];
  if (measure && !mainRef) problems.push('the Measure names no main library (Measure.library)');
  const assembled = new Map<string, LibraryResource>();
  const missingLibraries = new Set<string>();
  const queue: Array<{ ref: string; from: string }> = mainRef ? [{ ref: mainRef, from: 'Measure.library' }] : [];
  while (queue.length) {
    const { ref, from } = queue.shift()!;
    const key = libraryKey(ref);
    const lib = libraries.get(key) ?? libraries.get(key.split('|')[0]!);
    if (!lib) {
      missingLibraries.add(`${key} (needed by ${from})`);
      continue;
    }
    const id = `${lib.name}|${lib.version ?? ''}`;
    if (assembled.has(id)) continue;
    if (!(lib.content ?? []).some((c) => c.contentType === 'application/elm+json')) problems.push(`Library ${id} has no ELM JSON content (application/elm+json)`);
    assembled.set(id, lib);
    for (const ra of lib.relatedArtifact ?? []) {
      if (ra.type !== 'depends-on' || !ra.resource || !/\/Library\//.test(ra.resource) || /ModelInfo/i.test(ra.resource)) continue;
      queue.push({ ref: ra.resource, from: `Library ${lib.name}` });
    }
  }

  if (missingLibraries.size) problems.push(`Libraries not found in the package, its libraries/ or ../libraries/: ${[...missingLibraries].join(', ')}`);
  // Every value set the libraries declare must be expanded in the package.
  const vsUrls = new Set(valueSets.map((v) => String((v as { url?: string }).url ?? '')));
  const missingVs = new Set<string>();
  for (const lib of assembled.values())
    for (const ra of lib.relatedArtifact ?? [])
      if (ra.type === 'depends-on' && ra.resource && /\/ValueSet\//.test(ra.resource) && !vsUrls.has(ra.resource.split('|')[0]!)) missingVs.add(ra.resource.split('/').pop()!);
  if (!valueSets.length) problems.push('no ValueSets (valuesets-<name>-bundle.json)');
  else if (missingVs.size) problems.push(`${missingVs.size} ValueSet(s) not in the valuesets bundle: ${[...missingVs].slice(0, 5).join(', ')}${missingVs.size > 5 ? ', …' : ''}`);
  for (const v of valueSets) if (!((v as { expansion?: { contains?: unknown[] } }).expansion?.contains?.length)) problems.push(`ValueSet ${String((v as { url?: string }).url)} has no expansion`);

  if (problems.length || !measure) throw new TandemError('INVALID_REQUEST', `measure package ${dir}: ${[...new Set(problems)].join('; ')}`);

  const { measure: corrected, corrections } = applyKnownCorrections(measure);
  const bundle: FhirBundle = {
    resourceType: 'Bundle',
    id: `${String(measure.name ?? measure.id)}-bundle`,
    type: 'collection',
    entry: [corrected, ...assembled.values(), ...valueSets].map((resource) => ({ resource })),
  };
  return {
    id: `${String(measure.url)}|${String(measure.version ?? '')}`,
    name: String(measure.name ?? measure.id ?? basename(root)),
    title: String(measure.title ?? measure.name ?? ''),
    url: String(measure.url ?? ''),
    version: String(measure.version ?? ''),
    bundle,
    corrections,
    improvementNotation: improvementNotation(corrected),
    libraries: [...assembled.values()].map((l) => `${l.name}|${l.version ?? ''}`),
    valueSets: valueSets.length,
    testFiles: jsonFiles(join(root, 'tests')),
  };
}

const NOTATION_URL = 'http://hl7.org/fhir/us/cqfmeasures/StructureDefinition/cqfm-improvementNotation';

/** The measure's improvement notation (Measure.improvementNotation, else the first group's cqfm extension). */
export function improvementNotation(measure: FhirResource): 'increase' | 'decrease' {
  const m = measure as { improvementNotation?: { coding?: Array<{ code?: string }> }; group?: Array<{ extension?: Array<{ url?: string; valueCodeableConcept?: { coding?: Array<{ code?: string }> } }> }> };
  const code = m.improvementNotation?.coding?.[0]?.code ?? m.group?.[0]?.extension?.find((e) => e.url === NOTATION_URL)?.valueCodeableConcept?.coding?.[0]?.code;
  return code === 'decrease' ? 'decrease' : 'increase';
}
