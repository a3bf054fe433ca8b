/**
 * Stored quality results → FHIR: individual and summary MeasureReports and the DEQM gaps-in-care
 * Bundle (a document: Composition, Patient, MeasureReport per measure, DetectedIssue per gap).
 *
 * https://hl7.org/fhir/R4/measurereport.html
 * https://hl7.org/fhir/us/davinci-deqm/STU3/OperationDefinition-care-gaps.html
 * https://hl7.org/fhir/us/davinci-deqm/STU3/StructureDefinition-gaps-bundle-deqm.html
 */
import { fhirId } from './clinical-from-claims.ts';

const POPULATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/measure-population';
const GAP_STATUS_URL = 'http://hl7.org/fhir/us/davinci-deqm/StructureDefinition/extension-gapStatus';
const GAP_STATUS_SYSTEM = 'http://hl7.org/fhir/us/davinci-deqm/CodeSystem/gaps-status';

export interface StoredResult {
  readonly memberKey: string;
  readonly measureUrl: string;
  readonly measureVersion: string;
  readonly measureTitle: string;
  readonly period: number;
  readonly populations: Readonly<Record<string, boolean>>;
  readonly gap: string;
  readonly evidence: Readonly<Record<string, ReadonlyArray<{ type: string; id: string }>>>;
  readonly improvementNotation: 'increase' | 'decrease';
}

type Json = Record<string, unknown>;

function period(year: number) {
  return { start: `${year}-01-01`, end: `${year}-12-31` };
}

function notation(code: 'increase' | 'decrease') {
  return { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/measure-improvement-notation', code }] };
}

/** An individual MeasureReport for one member and measure; evaluatedResource lists the evidence. */
export function individualMeasureReport(r: StoredResult, reporter: string | null): Json {
  const evaluated = new Map<string, { reference: string }>();
  for (const refs of Object.values(r.evidence)) for (const e of refs) evaluated.set(`${e.type}/${e.id}`, { reference: `${e.type}/${e.id}` });
  return {
    resourceType: 'MeasureReport',
    id: fhirId(`mr-${r.memberKey}-${r.measureUrl.split('/').pop()}-${r.period}`),
    status: 'complete',
    type: 'individual',
    measure: `${r.measureUrl}|${r.measureVersion}`,
    subject: { reference: `Patient/${fhirId(r.memberKey)}` },
    period: period(r.period),
    ...(reporter ? { reporter: { reference: `Organization/${reporter}` } } : {}),
    improvementNotation: notation(r.improvementNotation),
    group: [{ population: Object.entries(r.populations).map(([code, v]) => ({ code: { coding: [{ system: POPULATION_SYSTEM, code }] }, count: v ? 1 : 0 })) }],
    ...(evaluated.size ? { evaluatedResource: [...evaluated.values()] } : {}),
  };
}

export interface SummaryCounts {
  readonly measureUrl: string;
  readonly measureVersion: string;
  readonly improvementNotation: 'increase' | 'decrease';
  readonly period: number;
  readonly counts: Readonly<Record<string, number>>;
}

/** A summary MeasureReport (population counts and the performance rate) for a set of members. */
export function summaryMeasureReport(s: SummaryCounts, subject: { reference: string } | null, reporter: string | null): Json {
  const denom = s.counts['denominator'] ?? 0;
  const excluded = (s.counts['denominator-exclusion'] ?? 0) + (s.counts['denominator-exception'] ?? 0);
  const effective = denom - excluded;
  return {
    resourceType: 'MeasureReport',
    status: 'complete',
    type: 'summary',
    measure: `${s.measureUrl}|${s.measureVersion}`,
    ...(subject ? { subject } : {}),
    period: period(s.period),
    ...(reporter ? { reporter: { reference: `Organization/${reporter}` } } : {}),
    improvementNotation: notation(s.improvementNotation),
    group: [{
      population: Object.entries(s.counts).map(([code, count]) => ({ code: { coding: [{ system: POPULATION_SYSTEM, code }] }, count })),
      // Proportion: numerator / (denominator − exclusions − exceptions), as a decimal.
      ...(effective > 0 ? { measureScore: { value: Number(((s.counts['numerator'] ?? 0) / effective).toFixed(4)) } } : {}),
    }],
  };
}

export interface GapsPatient {
  readonly key: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly dateOfBirth: string;
  readonly gender: string;
}

/**
 * The DEQM gaps Bundle of one patient: a document whose Composition has one section per measure,
 * focused on the individual MeasureReport, with a DetectedIssue for an open or closed gap.
 */
export function gapsBundle(patient: GapsPatient, results: readonly StoredResult[], o: { reporter: string; now: string; status: ReadonlySet<'open-gap' | 'closed-gap'> }): Json {
  const patientRef = { reference: `Patient/${fhirId(patient.key)}` };
  const entries: Json[] = [];
  const sections: Json[] = [];
  for (const r of results) {
    const gap = r.gap === 'open' ? 'open-gap' : r.gap === 'closed' ? 'closed-gap' : null;
    if (!gap || !o.status.has(gap)) continue;
    const report = individualMeasureReport(r, o.reporter);
    const issue = {
      resourceType: 'DetectedIssue',
      id: fhirId(`gap-${patient.key}-${r.measureUrl.split('/').pop()}-${r.period}`),
      modifierExtension: [{ url: GAP_STATUS_URL, valueCodeableConcept: { coding: [{ system: GAP_STATUS_SYSTEM, code: gap }] } }],
      status: 'final',
      code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'CAREGAP', display: 'Care Gaps' }] },
      patient: patientRef,
      evidence: [{ detail: [{ reference: `MeasureReport/${String(report.id)}` }] }],
    };
    entries.push(report, issue);
    sections.push({ title: r.measureTitle, focus: { reference: `MeasureReport/${String(report.id)}` }, entry: [{ reference: `DetectedIssue/${issue.id}` }] });
  }
  const composition = {
    resourceType: 'Composition',
    id: fhirId(`gaps-${patient.key}`),
    status: 'final',
    type: { coding: [{ system: 'http://loinc.org', code: '96315-7', display: 'Gaps in care report' }] },
    subject: patientRef,
    date: o.now,
    author: [{ reference: `Organization/${o.reporter}` }],
    title: 'Gaps in Care Report',
    section: sections,
  };
  const patientResource = { resourceType: 'Patient', id: fhirId(patient.key), name: [{ family: patient.lastName, given: [patient.firstName] }], gender: patient.gender === 'F' ? 'female' : patient.gender === 'M' ? 'male' : 'unknown', birthDate: patient.dateOfBirth };
  return {
    resourceType: 'Bundle',
    meta: { profile: ['http://hl7.org/fhir/us/davinci-deqm/StructureDefinition/gaps-bundle-deqm'] },
    type: 'document',
    timestamp: o.now,
    entry: [composition, patientResource, ...entries].map((resource) => ({ fullUrl: `urn:uuid:${String(resource.resourceType)}-${String(resource.id)}`, resource })),
  };
}
