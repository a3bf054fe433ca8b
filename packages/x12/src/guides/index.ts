/**
 * The guide registry: routes a transaction set to its implementation guide by ST01 and
 * ST03 (or GS08 when ST03 is absent), and for 278 by BHT02.
 */
import { GUIDE_270, GUIDE_271 } from './guide-270-271.ts';
import { GUIDE_276, GUIDE_277, GUIDE_277CA } from './guide-276-277.ts';
import { GUIDE_278_REQUEST, GUIDE_278_RESPONSE } from './guide-278.ts';
import { GUIDE_820, GUIDE_820_HIX } from './guide-820.ts';
import { GUIDE_834, GUIDE_834_HIX } from './guide-834.ts';
import { GUIDE_835 } from './guide-835.ts';
import { GUIDE_837D, GUIDE_837I, GUIDE_837P } from './guide-837.ts';
import { GUIDE_997, GUIDE_999 } from './guide-ack.ts';
import { segmentIds, type Guide, type GuideKey } from './guide.ts';

export type { Guide, GuideKey } from './guide.ts';
export { GUIDE_270, GUIDE_271, GUIDE_276, GUIDE_277, GUIDE_277CA, GUIDE_278_REQUEST, GUIDE_278_RESPONSE, GUIDE_820, GUIDE_820_HIX, GUIDE_834, GUIDE_834_HIX, GUIDE_835, GUIDE_837D, GUIDE_837I, GUIDE_837P, GUIDE_997, GUIDE_999 };

export const GUIDES: readonly Guide[] = [
  GUIDE_837P, GUIDE_837I, GUIDE_837D, GUIDE_835, GUIDE_270, GUIDE_271, GUIDE_276, GUIDE_277, GUIDE_277CA,
  GUIDE_278_REQUEST, GUIDE_278_RESPONSE, GUIDE_834, GUIDE_834_HIX, GUIDE_820, GUIDE_820_HIX, GUIDE_999, GUIDE_997,
];

export function guideByKey(key: GuideKey): Guide {
  return GUIDES.find((g) => g.key === key)!;
}

/** Segment ids any supported guide uses; anything else is "unrecognized" (999 IK304 = 1). */
export const KNOWN_SEGMENTS: ReadonlySet<string> = GUIDES.reduce((acc, g) => segmentIds(g.schema, acc), new Set<string>(['TA1']));

/**
 * @param transaction ST01
 * @param version ST03, else GS08
 * @param bht02 the set's BHT02 (278 request '13' / response '11')
 */
export function guideFor(transaction: string, version: string, bht02 = ''): Guide | null {
  const candidates = GUIDES.filter((g) => g.transaction === transaction && g.versions.includes(version));
  if (candidates.length <= 1) return candidates[0] ?? null;
  if (transaction === '278') return bht02 === '11' ? GUIDE_278_RESPONSE : GUIDE_278_REQUEST;
  return candidates[0]!;
}
