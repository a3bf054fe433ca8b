import type { ServiceCategory } from '../registry/index.ts';

/** Primary-care NUCC taxonomies (family, internal, general practice, pediatrics, geriatrics, NP/PA primary care). */
const PRIMARY_CARE_TAXONOMIES = new Set([
  '207Q00000X', '207R00000X', '208D00000X', '208000000X', '207QG0300X', '207RG0300X', '363LF0000X', '363LP2300X', '363A00000X',
]);

export function isPrimaryCareTaxonomy(taxonomy: string | null | undefined): boolean {
  return taxonomy != null && PRIMARY_CARE_TAXONOMIES.has(taxonomy);
}

export interface CategorizeInput {
  readonly claimKind: 'professional' | 'institutional';
  readonly procedureCode: string | null;
  readonly revenueCode: string | null;
  readonly placeOfService: string | null;
  /** Type of bill, 3 digits without leading zero (e.g. 111 inpatient, 131 outpatient). */
  readonly typeOfBill: string | null;
  readonly renderingTaxonomy: string | null;
}

function inRange(code: string, lo: string, hi: string): boolean {
  return code.length === lo.length && code >= lo && code <= hi;
}

/**
 * Maps a service line to the benefit category that sets its cost share.
 * Order matters: emergency and preventive are decided before the code families.
 */
export function categorizeService(i: CategorizeInput): ServiceCategory {
  const code = i.procedureCode ?? '';
  const rev = i.revenueCode ?? '';
  if (inRange(code, '99281', '99285') || i.placeOfService === '23' || rev.startsWith('045')) return 'emergency';
  if (inRange(code, '99381', '99397') || code === 'G0438' || code === 'G0439' || code === '77067' || code === 'G0121')
    return 'preventive';
  if (i.claimKind === 'institutional' && i.typeOfBill !== null && /^1[12]/.test(i.typeOfBill)) return 'inpatient';
  if (i.placeOfService === '20') return 'urgent_care';
  if (inRange(code, '80000', '89999') || rev.startsWith('030') || rev.startsWith('031')) return 'lab';
  if (inRange(code, '70000', '79999') || rev.startsWith('032') || rev.startsWith('035') || rev.startsWith('040') || rev.startsWith('061'))
    return 'imaging';
  if (/^[EKL]\d{4}$/.test(code)) return 'dme';
  if (inRange(code, '99202', '99215') || inRange(code, '99341', '99350') || inRange(code, '99495', '99496') || code === '99490')
    return isPrimaryCareTaxonomy(i.renderingTaxonomy) || i.renderingTaxonomy === null ? 'primary_care' : 'specialist';
  if (i.claimKind === 'institutional' || inRange(code, '10000', '69999')) return 'outpatient';
  return 'other';
}
