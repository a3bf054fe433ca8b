import { CARC, RARC, categorizeService } from '../codes/index.ts';
import { sumCents, type Cents } from '../money/index.ts';
import { isEffective, type BenefitDesign, type Contract } from '../registry/index.ts';
import type { AdjudicatedClaim, AdjudicatedLine, Adjustment, ClaimStatus } from './adjudicated-claim.ts';
import type { ClaimInput, ClaimLineInput } from './claim-input.ts';
import type { AdjudicationContext, CoverageTerms } from './context.ts';
import { applyCostShare } from './cost-share.ts';
import { priceLine } from './price-line.ts';
import { parseMilliUnits } from './units.ts';
import { authRequirement } from '../prior-auth/index.ts';

/** Bumped whenever a rule below changes meaning; stored with every claim. */
export const ENGINE_VERSION = 'tandem-adjudication/2';

/** What a line keeps from the claim as submitted. */
function submitted(line: ClaimLineInput) {
  const { lineNumber, procedureCode, modifiers, revenueCode, units, serviceDateFrom, serviceDateTo } = line;
  return { lineNumber, procedureCode, modifiers, revenueCode, units, serviceDateFrom, serviceDateTo, billedCents: line.chargeCents };
}

function deniedLine(line: ClaimLineInput, group: Adjustment['group'], carc: string, remarks: string[] = []): AdjudicatedLine {
  return {
    ...submitted(line),
    category: null,
    network: null,
    allowedCents: 0,
    deductibleCents: 0,
    copayCents: 0,
    coinsuranceCents: 0,
    patientRespCents: 0,
    paidCents: 0,
    adjustments: line.chargeCents === 0 ? [] : [{ group, carc, amountCents: line.chargeCents }],
    remarks,
    feeScheduleVersionId: null,
  };
}

function coverageOn(coverages: readonly CoverageTerms[], date: string): CoverageTerms | null {
  return coverages.find((c) => isEffective(c.coverage, date)) ?? null;
}

function contractOn(contracts: readonly Contract[], date: string): Contract | null {
  return contracts.find((c) => isEffective(c, date)) ?? null;
}

function benefitOn(terms: CoverageTerms, date: string): BenefitDesign | null {
  return terms.benefitDesigns.find((b) => isEffective(b, date)) ?? null;
}

/** Why a known member's line is not covered on its date: before any coverage, or after it ended. */
function eligibilityDenial(coverages: readonly CoverageTerms[], date: string): string {
  const started = coverages.some((c) => c.coverage.effectiveFrom <= date);
  return started ? CARC.AFTER_COVERAGE : CARC.BEFORE_COVERAGE;
}

function statusOf(lines: readonly AdjudicatedLine[]): ClaimStatus {
  const denied = lines.filter((l) => l.allowedCents === 0 && l.billedCents > 0).length;
  if (denied === 0) return 'paid';
  return denied === lines.length ? 'denied' : 'partial';
}

/** A line's units for authorizations: whole units, at least one (2.5 units need 3 authorized). */
function wholeUnits(units: string): number {
  return Math.max(1, Math.ceil((parseMilliUnits(units) ?? 1000) / 1000));
}

/**
 * Adjudicates one claim: duplicate check, billing-provider match, eligibility per date
 * of service, pricing from the provider's contract (or out-of-network from the plan's
 * base schedule), member cost share against accumulators, and line-level CARC/RARC.
 * Pure: the only effect is on `ctx.ledger`, an in-memory value owned by the caller.
 * Rule numbering follows openIMIS style: each early return is one rule, in order.
 */
export function adjudicateClaim(ctx: AdjudicationContext, claim: ClaimInput): AdjudicatedClaim {
  const feeVersions = new Set<string>();
  let contractUsed: Contract | null = null;
  let termsUsed: CoverageTerms | null = null;
  let benefitUsed: BenefitDesign | null = null;
  const authRuleSets = new Set<string>();
  const authNumbers = new Set<string>();
  // "More than N units" rules read the claim's units of the code over all its lines: splitting
  // 20 units into two lines of 10 must not slip under a 12-unit threshold.
  const claimUnits = new Map<string, number>();
  for (const l of claim.lines) if (l.procedureCode) claimUnits.set(l.procedureCode, (claimUnits.get(l.procedureCode) ?? 0) + wholeUnits(l.units));

  const lines: AdjudicatedLine[] = claim.lines.map((line) => {
    // Rule 0: replacements (7) and voids (8) of earlier claims are not processed yet; paying them
    // as new claims could pay a service twice, so they are denied and the provider is told why.
    if (claim.frequencyCode === '7' || claim.frequencyCode === '8') return deniedLine(line, 'CO', CARC.SUBMISSION_ERROR, [RARC.RESUBMIT_AS_NEW]);
    // Rule 1: an exact duplicate of a claim already on file pays nothing.
    if (ctx.duplicateOf !== null) return deniedLine(line, 'CO', CARC.DUPLICATE);
    // Rule 2: the billing provider must be a known organization with a valid NPI.
    if (!ctx.billingNpiValid || ctx.provider === null)
      return deniedLine(line, 'CO', CARC.NPI_NOT_MATCHED, [RARC.INVALID_BILLING_NPI]);
    // Rule 3: the patient must be our member.
    if (ctx.member === null) return deniedLine(line, 'CO', CARC.NOT_OUR_INSURED);
    // Rule 4: coverage in force on the date of service, with a benefit design.
    const terms = coverageOn(ctx.coverages, line.serviceDateFrom);
    const benefit = terms ? benefitOn(terms, line.serviceDateFrom) : null;
    if (!terms || !benefit)
      return deniedLine(line, 'CO', eligibilityDenial(ctx.coverages, line.serviceDateFrom), [RARC.NOT_ELIGIBLE_ON_DOS]);
    termsUsed = terms;
    benefitUsed = benefit;

    const category = categorizeService({
      claimKind: claim.kind,
      procedureCode: line.procedureCode,
      revenueCode: line.revenueCode,
      placeOfService: line.placeOfService ?? claim.placeOfService,
      typeOfBill: claim.typeOfBill,
      renderingTaxonomy: ctx.renderingTaxonomy,
    });
    // Rule 5: network status from the provider's contract on the date of service.
    const contract = contractOn(ctx.contracts, line.serviceDateFrom);
    const inNetwork = contract !== null;
    // Emergencies are paid at the in-network tier wherever they happen (No Surprises Act, 45 CFR 149.110).
    const tier = inNetwork || category === 'emergency' ? benefit.inNetwork : benefit.outOfNetwork;
    if (!tier) return { ...deniedLine(line, 'CO', CARC.OOP_NOT_COVERED_NETWORK, [RARC.OUT_OF_NETWORK]), category, network: 'out' };

    // Rule 5a: a service the plan's rules put under prior authorization needs an approved one
    // covering the member, code and date with units left (CARC 197 absent, 198 exceeded); the units are consumed.
    // A cited number (REF*G1, line before claim) must be that authorization (else 197 with M62: invalid code).
    const milli = parseMilliUnits(line.units) ?? 1000;
    if (ctx.authorization && line.procedureCode) {
      const units = wholeUnits(line.units);
      const required = authRequirement(ctx.authorization.ruleSets, {
        planId: terms.plan.id, date: line.serviceDateFrom, code: line.procedureCode, placeOfService: line.placeOfService ?? claim.placeOfService, units: claimUnits.get(line.procedureCode)!,
        diagnoses: claim.diagnoses.map((d) => d.code),
      });
      if (required) {
        authRuleSets.add(required.set.id);
        const taken = ctx.authorization.ledger.consume(ctx.member.key, line.procedureCode, line.serviceDateFrom, units, line.priorAuthorization ?? claim.priorAuthorization);
        if (!taken.ok) {
          const network = inNetwork ? 'in' as const : 'out' as const;
          return taken.reason === 'absent'
            ? { ...deniedLine(line, 'CO', CARC.AUTH_ABSENT, [RARC.AUTH_CODE_MISSING]), category, network }
            : { ...deniedLine(line, 'CO', CARC.AUTH_EXCEEDED, [RARC.AUTH_INCONSISTENT]), category, network };
        }
        authNumbers.add(taken.authNumber);
      }
    }

    // Rule 6: price from the contract's schedule, or the plan's base schedule scaled for out-of-network.
    const scheduleId = contract ? contract.feeScheduleId : terms.plan.baseFeeScheduleId;
    const version = ctx.feeSchedules(scheduleId, line.serviceDateFrom);
    if (!version) return { ...deniedLine(line, 'CO', CARC.NON_COVERED), category, network: inNetwork ? 'in' : 'out' };
    if (contract) contractUsed = contract;
    const price = priceLine({
      version,
      lookup: ctx.feeSchedules,
      procedureCode: line.procedureCode,
      modifiers: line.modifiers,
      milliUnits: milli,
      chargeCents: line.chargeCents,
      date: line.serviceDateFrom,
      ...(inNetwork ? {} : { scaleBp: benefit.outOfNetworkAllowedBp }),
    });
    price.feeScheduleVersionIds.forEach((id) => feeVersions.add(id));

    // Rule 7: member cost share against accumulators.
    const share = applyCostShare(
      price.allowedCents,
      tier.categories[category],
      tier,
      {
        memberKey: ctx.member.key,
        subscriberKey: ctx.member.subscriberKey,
        planId: terms.plan.id,
        year: Number(line.serviceDateFrom.slice(0, 4)),
        tier: tier === benefit.inNetwork ? 'in' : 'out',
      },
      ctx.ledger,
    );
    const patientResp = share.deductibleCents + share.copayCents + share.coinsuranceCents;
    const adjustments: Adjustment[] = [];
    const contractual = line.chargeCents - price.allowedCents;
    if (contractual > 0) adjustments.push({ group: 'CO', carc: CARC.EXCEEDS_FEE_SCHEDULE, amountCents: contractual });
    if (share.deductibleCents > 0) adjustments.push({ group: 'PR', carc: CARC.DEDUCTIBLE, amountCents: share.deductibleCents });
    if (share.coinsuranceCents > 0) adjustments.push({ group: 'PR', carc: CARC.COINSURANCE, amountCents: share.coinsuranceCents });
    if (share.copayCents > 0) adjustments.push({ group: 'PR', carc: CARC.COPAY, amountCents: share.copayCents });
    return {
      ...submitted(line),
      category,
      network: inNetwork ? 'in' : 'out',
      allowedCents: price.allowedCents,
      ...share,
      patientRespCents: patientResp,
      paidCents: price.allowedCents - patientResp,
      adjustments,
      remarks: inNetwork ? [] : [RARC.OUT_OF_NETWORK],
      feeScheduleVersionId: version.id,
    };
  });

  const sum = (f: (l: AdjudicatedLine) => Cents) => sumCents(lines.map(f));
  const networks = new Set(lines.map((l) => l.network).filter((n) => n !== null));
  const t = termsUsed as CoverageTerms | null;
  const b = benefitUsed as BenefitDesign | null;
  const c = contractUsed as Contract | null;
  return {
    status: ctx.duplicateOf !== null ? 'duplicate' : statusOf(lines),
    billedCents: sum((l) => l.billedCents),
    allowedCents: sum((l) => l.allowedCents),
    paidCents: sum((l) => l.paidCents),
    patientRespCents: sum((l) => l.patientRespCents),
    network: networks.size === 1 ? [...networks][0]! : networks.size === 0 ? null : 'out',
    lines,
    provenance: {
      engineVersion: ENGINE_VERSION,
      coverageId: t?.coverage.id ?? null,
      planId: t?.plan.id ?? null,
      benefitDesignId: b?.id ?? null,
      contractId: c?.id ?? null,
      feeScheduleVersionIds: [...feeVersions],
      ...(authRuleSets.size ? { authRuleSetIds: [...authRuleSets], authorizationNumbers: [...authNumbers] } : {}),
    },
  };
}
