/**
 * The typed view of any transaction set: what a program uses without knowing segment
 * positions. One reader per guide family; `typedView` picks it by the set's guide.
 */
import type { Claim837 } from '../model-837.ts';
import type { Remittance835 } from '../model-835.ts';
import { read835Segments } from '../read-835.ts';
import { extractClaims } from '../read-837.ts';
import type { Delimiters, Segment } from '../tokenizer.ts';
import type { ValidatedSet } from '../validate-set.ts';
import { readClaimStatus, type ClaimStatus } from './claim-status.ts';
import { read270, read271, type EligibilityInquiry, type EligibilityResponse } from './eligibility.ts';
import { read834, type Enrollment } from './enrollment.ts';
import { read820, type PremiumPayment } from './premium-payment.ts';
import { read278, type ServiceReview } from './service-review.ts';

export type { ClaimStatus, ClaimStatusCode, StatusLine } from './claim-status.ts';
export type { Benefit, EligibilityInquiry, EligibilityResponse, Rejection } from './eligibility.ts';
export type { EnrolledCoverage, EnrolledMember, Enrollment } from './enrollment.ts';
export type { PremiumPayment, PremiumRemittance } from './premium-payment.ts';
export type { Party, Person } from './query.ts';
export type { ReviewDecision, ReviewedService, ServiceReview } from './service-review.ts';
export { read270, read271, read278, read820, read834, readClaimStatus };

export type TypedView =
  | { type: 'claims'; claims: Claim837[] }
  | { type: 'remittance'; remittances: Remittance835[] }
  | { type: 'eligibility-inquiry'; inquiries: EligibilityInquiry[] }
  | { type: 'eligibility-response'; responses: EligibilityResponse[] }
  | { type: 'claim-status-request' | 'claim-status-response' | 'claim-acknowledgment'; claims: ClaimStatus[] }
  | { type: 'service-review-request' | 'service-review-response'; reviews: ServiceReview[] }
  | { type: 'enrollment'; enrollment: Enrollment }
  | { type: 'premium-payment'; payment: PremiumPayment }
  | { type: 'acknowledgment' | 'unsupported' };

export function typedView(set: ValidatedSet, d: Delimiters): TypedView {
  const tree = set.tree;
  if (!tree || !set.guide) return { type: 'unsupported' };
  switch (set.guide.key) {
    case '837P':
    case '837I':
    case '837D': {
      const st = set.segments[0]!;
      const position = (s: Segment) => s.index - st.index + 1;
      const kind = set.guide.key === '837P' ? 'professional' : set.guide.key === '837I' ? 'institutional' : 'dental';
      return { type: 'claims', claims: extractClaims(tree, { setControl: set.controlNumber, kind, d, position, findings: [] }) };
    }
    case '835':
      return { type: 'remittance', remittances: read835Segments(set.segments, d).remits };
    case '270':
      return { type: 'eligibility-inquiry', inquiries: read270(tree, d) };
    case '271':
      return { type: 'eligibility-response', responses: read271(tree, d) };
    case '276':
      return { type: 'claim-status-request', claims: readClaimStatus(tree, d) };
    case '277':
      return { type: 'claim-status-response', claims: readClaimStatus(tree, d) };
    case '277CA':
      return { type: 'claim-acknowledgment', claims: readClaimStatus(tree, d) };
    case '278-request':
      return { type: 'service-review-request', reviews: read278(tree, d, 'request') };
    case '278-response':
      return { type: 'service-review-response', reviews: read278(tree, d, 'response') };
    case '834':
    case '834-HIX':
      return { type: 'enrollment', enrollment: read834(tree) };
    case '820':
    case '820-HIX':
      return { type: 'premium-payment', payment: read820(tree) };
    case '999':
    case '997':
      return { type: 'acknowledgment' };
  }
}
