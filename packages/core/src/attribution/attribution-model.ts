/**
 * Attribution of members to provider organizations, Medicare Shared Savings Program style
 * (42 CFR 425.402): voluntary alignment first, then the plurality of allowed charges for
 * primary care services furnished by primary care practitioners (step 1), else by
 * specialists (step 2). The parameters are contract data.
 * https://www.ecfr.gov/current/title-42/chapter-IV/subchapter-B/part-425/subpart-E
 */

export interface AttributionParameters {
  /** Primary care service codes (CPT/HCPCS), 42 CFR 425.400(c). */
  readonly primaryCareCodes: ReadonlySet<string>;
  /** Taxonomy prefixes of primary care practitioners (internal, family, general medicine, geriatrics, pediatrics; NP, PA, CNS). */
  readonly primaryCareTaxonomies: readonly string[];
  /**
   * Eligibility: at least this many months of coverage in the window (a month counts when the
   * member is covered on its first day, as settlement counts member months). 1 by default,
   * MSSP-like: "at least one month" of enrollment in the assignment window (42 CFR 425.401(a)).
   */
  readonly minCoverageMonths: number;
}

/** One primary care service line, with who furnished it. */
export interface AttributionService {
  readonly memberKey: string;
  readonly orgId: string;
  readonly practitionerNpi: string;
  readonly taxonomy: string;
  readonly procedureCode: string;
  readonly serviceDate: string;
  readonly allowedCents: number;
  readonly claimId: string;
  readonly lineNumber: number;
}

/**
 * A member's designation of an organization (voluntary alignment, 42 CFR 425.402(e)): since
 * `from`, optionally of one of its practitioners, optionally until a last day.
 */
export interface VoluntaryAlignment {
  readonly orgId: string;
  readonly practitionerNpi?: string | null;
  readonly from: string;
  readonly until?: string | null;
}

export type AttributionStep = 'voluntary' | 'primary-care-practitioner' | 'specialist' | 'none';

export interface MemberAttribution {
  readonly memberKey: string;
  /** The organization the member is assigned to, or null (no qualifying service). */
  readonly orgId: string | null;
  readonly step: AttributionStep;
  /** Allowed cents of the qualifying services per organization, highest first, as decided. */
  readonly totals: ReadonlyArray<{ orgId: string; allowedCents: number; services: number; lastService: string }>;
  /** The services behind the winning total. */
  readonly services: readonly AttributionService[];
  readonly reason: string;
}
