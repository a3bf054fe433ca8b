/**
 * Where an ordered or booked service will be performed, as a CMS place-of-service code, when
 * the CDS Hooks request says so. Da Vinci CRD carries it as a Location (ServiceRequest
 * .locationReference, Appointment.participant.actor) whose `type` is a CMS code or an HL7
 * ServiceDeliveryLocationRoleType code CRD maps to one; a ServiceRequest may also carry
 * `locationCode` directly. The Location is found contained in the order, or in the hook's
 * prefetch or draft orders. The encounter the order is placed in is not used: an office visit
 * can order an MRI done at a hospital.
 * https://hl7.org/fhir/us/davinci-crd/STU2/StructureDefinition-profile-location.html ·
 * https://www.cms.gov/medicare/coding-billing/place-of-service-codes/code-sets
 */
type Res = { resourceType: string; id?: string; [k: string]: unknown };
type Coding = { system?: string; code?: string };

/** CRD's map of HL7 location role codes to CMS codes, the equivalences only (ConceptMap HL7Location-CRDTemp). */
const V3_TO_POS: Readonly<Record<string, string>> = {
  PHARM: '01', SCHOOL: '03', PROFF: '11', MOBL: '15', WORK: '18', HOSP: '21', ER: '23', SU: '24', SNF: '31',
  PHU: '51', RHII: '54', SURF: '55', PSYCHF: '56', RHU: '61', MBL: '81',
};
const V3_ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';
/** CMS's own code set, and CRD's temporary code system for the CMS codes HL7 has no equivalent for. */
const POS_SYSTEMS = ['https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set', 'http://hl7.org/fhir/us/davinci-crd/CodeSystem/temp'];

function posOfCodings(codings: readonly Coding[]): string | null {
  for (const c of codings) {
    const code = c.code?.trim() ?? '';
    if (POS_SYSTEMS.includes(c.system ?? '') && /^\d{1,2}$/.test(code)) return code.padStart(2, '0');
    if (c.system === V3_ROLE_CODE && V3_TO_POS[code]) return V3_TO_POS[code]!;
  }
  return null;
}

function codingsOf(v: unknown): Coding[] {
  const concepts: unknown[] = Array.isArray(v) ? v : v ? [v] : [];
  return concepts.flatMap((cc) => (cc as { coding?: Coding[] }).coding ?? []);
}

/** Every resource in a hook's prefetch or context bundles (a Bundle's entries, or the resource itself). */
export function hookResources(...sources: unknown[]): Res[] {
  return sources.flatMap((s) => {
    const r = s as (Res & { entry?: Array<{ resource?: Res }> }) | undefined;
    if (!r?.resourceType) return [];
    return r.resourceType === 'Bundle' ? (r.entry ?? []).map((e) => e.resource).filter((x): x is Res => !!x?.resourceType) : [r];
  });
}

/** The place of service of an order or appointment, or null when the request does not say. */
export function placeOfServiceOf(order: Res, known: readonly Res[]): string | null {
  const direct = posOfCodings(codingsOf(order['locationCode']));
  if (direct) return direct;
  const refs = [
    ...((order['locationReference'] as Array<{ reference?: string }> | undefined) ?? []).map((r) => r.reference ?? ''),
    ...((order['participant'] as Array<{ actor?: { reference?: string } }> | undefined) ?? []).map((p) => p.actor?.reference ?? ''),
  ].filter((r) => r.startsWith('#') || r.startsWith('Location/') || r.includes('/Location/'));
  const contained = (order['contained'] as Res[] | undefined) ?? [];
  for (const ref of refs) {
    const loc = ref.startsWith('#')
      ? contained.find((c) => c.resourceType === 'Location' && `#${c.id}` === ref)
      : known.find((k) => k.resourceType === 'Location' && ref.endsWith(`Location/${k.id}`));
    const pos = loc ? posOfCodings(codingsOf(loc['type'])) : null;
    if (pos) return pos;
  }
  return null;
}
