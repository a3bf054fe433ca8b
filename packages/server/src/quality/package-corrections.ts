/**
 * Corrections of known defects in published measure packages, applied when a package is
 * assembled and reported at load (`tandem measures load` prints them, the package row keeps them).
 * Each is keyed by the Measure's canonical URL and says why — nothing is corrected silently.
 */
/** A FHIR resource as JSON (the same shape as measure-package.ts's). */
type FhirResource = { resourceType: string; [k: string]: unknown };

export interface PackageCorrection {
  readonly path: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

const NOTATION_URL = 'http://hl7.org/fhir/us/cqfmeasures/StructureDefinition/cqfm-improvementNotation';

/**
 * CMS125 (Breast Cancer Screening, MADiE export in cqframework/ecqm-content-qicore-2024 @9ebd48f)
 * codes the group's cqfm-improvementNotation `decrease` while its display says `increase`. The
 * measure counts women screened, so a higher rate is better (CMS's eCQI page: "improvement noted
 * as an increase in rate"). Trusting the code would turn every unscreened woman into a met goal and
 * find no gaps at all, so the code is set to `increase`, matching the display and the measure.
 * CMS130 (Colorectal Cancer Screening, same export) has the same defect — code `decrease`, display
 * `increase` — which ../shared/data/README.md does not list; it gets the same correction.
 */
const IMPROVEMENT_NOTATION_FIXES: Record<string, 'increase' | 'decrease'> = {
  'https://madie.cms.gov/Measure/BreastCancerScreeningFHIR': 'increase',
  'https://madie.cms.gov/Measure/ColonCancerScreeningFHIR': 'increase',
};

type Coding = { system?: string; code?: string; display?: string };
type Notation = { coding?: Coding[] };

export function applyKnownCorrections(measure: FhirResource): { measure: FhirResource; corrections: PackageCorrection[] } {
  const fix = IMPROVEMENT_NOTATION_FIXES[String((measure as { url?: string }).url)];
  if (!fix) return { measure, corrections: [] };
  const copy = structuredClone(measure) as FhirResource & { improvementNotation?: Notation; group?: Array<{ extension?: Array<{ url?: string; valueCodeableConcept?: Notation }> }> };
  const corrections: PackageCorrection[] = [];
  const reason = 'coded `decrease` but displayed `increase`; a screening rate improves upward (upstream defect, see package-corrections.ts)';
  const correct = (coding: Coding | undefined, path: string) => {
    if (!coding || coding.code === fix) return;
    corrections.push({ path, from: String(coding.code), to: fix, reason });
    coding.code = fix;
    coding.display = fix;
  };
  correct(copy.improvementNotation?.coding?.[0], 'Measure.improvementNotation');
  for (const [i, g] of (copy.group ?? []).entries()) correct(g.extension?.find((e) => e.url === NOTATION_URL)?.valueCodeableConcept?.coding?.[0], `Measure.group[${i}].extension(cqfm-improvementNotation)`);
  return { measure: copy, corrections };
}
