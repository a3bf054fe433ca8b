/**
 * @tandem/x12-fhir — X12 transactions ⇄ FHIR R4: 837 → Claim, 835 → ExplanationOfBenefit,
 * 270 ⇄ CoverageEligibilityRequest, 271 ⇄ CoverageEligibilityResponse, 278 ⇄ Da Vinci PAS
 * Claim/ClaimResponse, 834 → Patient/Coverage. Works on the typed views of @tandem/x12.
 */
import type { Bundle } from '@medplum/fhirtypes';
import { typedView, type Delimiters, type ValidatedSet } from '@tandem/x12';
import { claimsToFhir } from './claim.ts';
import { inquiriesToFhir, responsesToFhir } from './eligibility.ts';
import { enrollmentToFhir } from './enrollment.ts';
import { remittancesToFhir } from './eob.ts';
import { reviewsToFhir } from './pas.ts';

export { claimsToFhir, enrollmentToFhir, inquiriesToFhir, remittancesToFhir, responsesToFhir, reviewsToFhir };
export { inquiryFromFhir } from './eligibility.ts';
export { responseFromFhir, reviewFromFhir } from './from-fhir.ts';

/** The FHIR form of one transaction set, or null for transactions without a mapping (820, 276/277, 999). */
export function setToFhir(set: ValidatedSet, d: Delimiters, created: string): Bundle | null {
  const v = typedView(set, d);
  switch (v.type) {
    case 'claims':
      return claimsToFhir(v.claims, created);
    case 'remittance':
      return remittancesToFhir(v.remittances, created);
    case 'eligibility-inquiry':
      return inquiriesToFhir(v.inquiries, created);
    case 'eligibility-response':
      return responsesToFhir(v.responses, created);
    case 'service-review-request':
    case 'service-review-response':
      return reviewsToFhir(v.reviews, created);
    case 'enrollment':
      return enrollmentToFhir(v.enrollment);
    default:
      return null;
  }
}
