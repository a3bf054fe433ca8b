/**
 * Coverage Requirements Discovery: for each service a clinician orders or books, whether the
 * member's plan needs prior authorization on that date and what documentation it needs,
 * returned as Da Vinci CRD cards and coverage-information system actions (CDS Hooks 2.0).
 * When a rule applies only at some places of service and the order does not say where it will
 * be performed (see crd-place-of-service.ts), the answer is conditional: "needs authorization at
 * place of service 21, 22", with CRD's `pa-needed = conditional` and `info-needed = location`.
 * https://hl7.org/fhir/us/davinci-crd/STU2/ · https://cds-hooks.hl7.org/2.0/
 */
import { authRequirement, TandemError, type AccessContext } from '@tandem/core';
import { loadAuthRuleSets, recordAudit } from '@tandem/store';
import { isoDate, type Deps } from '../../deps.ts';
import { describeCriterion } from './auth-rule-sets.ts';
import { hookResources, placeOfServiceOf } from './crd-place-of-service.ts';

export const CRD_HOOKS = ['order-sign', 'order-select', 'appointment-book'] as const;
export type CrdHook = (typeof CRD_HOOKS)[number];
const CARD_TYPE = 'http://hl7.org/fhir/us/davinci-crd/CodeSystem/cardType';
const COVERAGE_INFO = 'http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information';

type Res = { resourceType: string; id?: string; [k: string]: unknown };
type Coding = { system?: string; code?: string; display?: string };

export interface HookRequest {
  readonly hook: string;
  readonly hookInstance?: string;
  readonly context: { patientId?: string; draftOrders?: { entry?: Array<{ resource?: Res }> }; appointments?: { entry?: Array<{ resource?: Res }> }; selections?: string[] };
  readonly prefetch?: { coverage?: Res & { entry?: Array<{ resource?: Res }> }; [key: string]: unknown };
}

/** The coded service, date, units and diagnoses of an order or appointment. */
function serviceOf(r: Res, today: string): { codings: Coding[]; date: string; units: number; diagnoses: string[] } {
  const cc = (v: unknown) => ((v as { coding?: Coding[] } | undefined)?.coding ?? []);
  const codings = r.resourceType === 'Appointment' ? ((r['serviceType'] as unknown[]) ?? []).flatMap(cc)
    : r.resourceType === 'DeviceRequest' ? cc(r['codeCodeableConcept'])
    : r.resourceType === 'MedicationRequest' ? cc(r['medicationCodeableConcept']) : cc(r['code']);
  const period = r['occurrencePeriod'] as { start?: string } | undefined;
  const date = String(r['occurrenceDateTime'] ?? period?.start ?? r['start'] ?? r['authoredOn'] ?? today).slice(0, 10);
  const units = Number((r['quantityQuantity'] as { value?: number } | undefined)?.value ?? 1);
  const diagnoses = ((r['reasonCode'] as unknown[]) ?? []).flatMap(cc).filter((c) => c.system?.includes('icd-10')).map((c) => (c.code ?? '').replace('.', ''));
  return { codings, date, units: Number.isInteger(units) && units > 0 ? units : 1, diagnoses };
}

/**
 * The cards and system actions for one hook call. `origin` is where clients reach this server
 * (scheme, host and port), for the cards' links: CDS Hooks links of type `absolute` are full URLs.
 */
export async function coverageRequirements(deps: Deps, ctx: AccessContext, hook: CrdHook, req: HookRequest, origin: string) {
  if (req.hook !== hook) throw new TandemError('INVALID_REQUEST', `this service answers ${hook}, not ${String(req.hook)}`);
  const db = deps.store.db;
  const today = isoDate(deps.clock());
  const prefetched = req.prefetch?.coverage;
  const coverageRes = prefetched?.resourceType === 'Bundle' ? prefetched.entry?.[0]?.resource : prefetched;
  const subscriberId = coverageRes?.['subscriberId'] as string | undefined;
  const member = req.context.patientId
    ? await db.selectFrom('member').select(['key', 'payer_org_id']).where('key', '=', req.context.patientId).executeTakeFirst()
    : subscriberId ? await db.selectFrom('member').select(['key', 'payer_org_id']).where('member_id', '=', subscriberId).executeTakeFirst() : undefined;
  if (!member) throw new TandemError('NOT_FOUND', `Patient ${req.context.patientId ?? subscriberId ?? '(no context.patientId or prefetched Coverage)'}`);
  const bundle = hook === 'appointment-book' ? req.context.appointments : req.context.draftOrders;
  let orders = (bundle?.entry ?? []).map((e) => e.resource).filter((r): r is Res => !!r?.resourceType);
  if (hook === 'order-select' && req.context.selections?.length) orders = orders.filter((o) => req.context.selections!.includes(`${o.resourceType}/${o.id}`));
  const [sets, coverages, payer] = await Promise.all([
    loadAuthRuleSets(db, member.payer_org_id),
    db.selectFrom('coverage').select(['id', 'plan_id', 'effective_from', 'effective_to']).where('member_key', '=', member.key).execute(),
    db.selectFrom('organization').select('name').where('id', '=', member.payer_org_id).executeTakeFirstOrThrow(),
  ]);
  const known = hookResources(bundle, ...Object.values(req.prefetch ?? {}));
  const cards: unknown[] = [];
  const systemActions: unknown[] = [];
  for (const o of orders) {
    const s = serviceOf(o, today);
    const pos = placeOfServiceOf(o, known);
    const coding = s.codings.find((c) => c.code && /^([0-9]{4}[0-9A-Z]|[A-V][0-9]{4})$/.test(c.code));
    if (!coding?.code) continue;
    const cov = coverages.find((c) => c.effective_from <= s.date && (c.effective_to === null || s.date <= c.effective_to));
    const source = { label: payer.name, topic: { system: CARD_TYPE, code: 'coverage', display: 'Coverage' } };
    const name = coding.display ?? coding.code;
    if (!cov) {
      cards.push({ uuid: `${o.id ?? coding.code}-coverage`, summary: `No coverage on ${s.date} for ${name}`.slice(0, 140), indicator: 'warning', source, detail: `The member has no coverage with ${payer.name} on ${s.date}.` });
      continue;
    }
    const req2 = authRequirement(sets, { planId: cov.plan_id, date: s.date, code: coding.code, placeOfService: pos, units: s.units, diagnoses: s.diagnoses });
    const rule = req2?.rule;
    const criteria = (rule?.autoApprove ?? []).map(describeCriterion);
    // The rule applies only at some places of service and the order does not say where: a conditional answer.
    const atPlaces = rule?.placesOfService && pos === null ? rule.placesOfService.join(', ') : null;
    cards.push(rule ? {
      uuid: `${o.id ?? coding.code}-prior-auth`,
      summary: (atPlaces ? `Prior authorization required at place of service ${atPlaces}: ${coding.code} ${rule.description}` : `Prior authorization required: ${coding.code} ${rule.description}`).slice(0, 140),
      indicator: atPlaces ? 'info' : 'warning',
      source: { ...source, topic: { system: CARD_TYPE, code: 'prior-auth', display: 'Prior authorization' } },
      detail: [atPlaces
        ? `${payer.name} requires prior authorization for **${coding.code}** (${rule.description}) on ${s.date} when it is performed at place of service ${atPlaces}; elsewhere it needs none. The order does not say where it will be performed (a Location with a CMS place-of-service type gives a definite answer).`
        : `${payer.name} requires prior authorization for **${coding.code}** (${rule.description}) on ${s.date}${pos ? ` at place of service ${pos}` : ''}.`,
        rule.documentation.length ? `Documentation needed:\n${rule.documentation.map((d) => `- ${d}`).join('\n')}` : '',
        criteria.length ? `Approved automatically when all hold:\n${criteria.map((d) => `- ${d}`).join('\n')}` : 'Every request is reviewed by a clinician.',
        'Submit with Da Vinci PAS (`POST /fhir/Claim/$submit`), an X12 278, or the Tandem dashboard.'].filter(Boolean).join('\n\n'),
      links: [{ label: 'Services that need prior authorization', url: `${origin}/prior-authorization/services`, type: 'absolute' }],
    } : {
      uuid: `${o.id ?? coding.code}-no-auth`, summary: `No prior authorization needed: ${name}`.slice(0, 140), indicator: 'info', source,
    });
    systemActions.push({
      type: 'update', description: `Coverage information for ${coding.code}`,
      resource: { ...o, extension: [...((o['extension'] as unknown[]) ?? []), { url: COVERAGE_INFO, extension: [
        { url: 'coverage', valueReference: { reference: `Coverage/${cov.id}` } }, { url: 'covered', valueCode: 'covered' },
        { url: 'pa-needed', valueCode: atPlaces ? 'conditional' : rule ? 'auth-needed' : 'no-auth' }, ...(rule?.documentation.length ? [{ url: 'doc-needed', valueCode: 'clinical' }] : []),
        ...(atPlaces ? [{ url: 'info-needed', valueCode: 'location' }] : []),
        { url: 'date', valueDate: today }, { url: 'coverage-assertion-id', valueString: `${req2?.set.id ?? 'none'}:${rule?.id ?? 'none'}:${coding.code}` },
      ] }] },
    });
  }
  await recordAudit(db, ctx, { action: 'read', resourceType: 'Coverage', memberKeys: [member.key], detail: { hook, orders: orders.length } });
  return { cards, systemActions };
}
