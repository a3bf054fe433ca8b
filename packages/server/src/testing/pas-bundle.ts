/**
 * Test builder: a minimal conformant Da Vinci PAS request Bundle (Claim first, then the
 * Patient, Coverage, insurer and requestor it references, and optionally a
 * QuestionnaireResponse with answers), as a provider's EHR would send it.
 */
export interface PasBundleInput {
  readonly id: string;
  readonly memberId: string;
  readonly requesterNpi: string;
  readonly items: ReadonlyArray<{ code: string; units?: number; from: string; to?: string; pos?: string }>;
  readonly diagnoses?: readonly string[];
  readonly priority?: 'normal' | 'stat';
  readonly status?: 'active' | 'cancelled';
  readonly related?: string;
  readonly answers?: Readonly<Record<string, boolean | number | string>>;
}

export function pasBundle(p: PasBundleInput): Record<string, unknown> {
  const answers = Object.entries(p.answers ?? {});
  return {
    resourceType: 'Bundle', type: 'collection', timestamp: '2026-06-30T12:00:00Z',
    identifier: { system: 'https://ehr.example.org/pas-bundle', value: `B-${p.id}` },
    entry: [
      { fullUrl: 'urn:uuid:claim-1', resource: {
        resourceType: 'Claim', status: p.status ?? 'active', use: 'preauthorization', created: '2026-06-30T12:00:00Z',
        identifier: [{ system: 'https://ehr.example.org/PATIENT_EVENT_TRACE_NUMBER', value: p.id }],
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
        patient: { reference: 'urn:uuid:patient-1' }, insurer: { reference: 'urn:uuid:insurer-1' }, provider: { reference: 'urn:uuid:requestor-1' },
        priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: p.priority ?? 'normal' }] },
        ...(p.related ? { related: [{ claim: { identifier: { value: p.related } } }] } : {}),
        diagnosis: (p.diagnoses ?? []).map((code, i) => ({ sequence: i + 1, diagnosisCodeableConcept: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code }] } })),
        insurance: [{ sequence: 1, focal: true, coverage: { reference: 'urn:uuid:coverage-1' } }],
        item: p.items.map((it, i) => ({
          sequence: i + 1, productOrService: { coding: [{ system: /^\d/.test(it.code) ? 'http://www.ama-assn.org/go/cpt' : 'https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets', code: it.code }] },
          servicedPeriod: { start: it.from, end: it.to ?? it.from }, quantity: { value: it.units ?? 1 },
          locationCodeableConcept: { coding: [{ system: 'https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set', code: it.pos ?? '11' }] },
        })),
      } },
      { fullUrl: 'urn:uuid:patient-1', resource: { resourceType: 'Patient', identifier: [{ system: 'https://tandem.health/fhir/member-id', value: p.memberId }], name: [{ family: 'Member' }] } },
      { fullUrl: 'urn:uuid:coverage-1', resource: { resourceType: 'Coverage', status: 'active', subscriberId: p.memberId, beneficiary: { reference: 'urn:uuid:patient-1' }, payor: [{ reference: 'urn:uuid:insurer-1' }] } },
      { fullUrl: 'urn:uuid:insurer-1', resource: { resourceType: 'Organization', name: 'Tandem Health Plan', identifier: [{ value: 'TANDEM' }] } },
      { fullUrl: 'urn:uuid:requestor-1', resource: { resourceType: 'Organization', name: 'Requesting provider', identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: p.requesterNpi }] } },
      ...(answers.length ? [{ fullUrl: 'urn:uuid:qr-1', resource: { resourceType: 'QuestionnaireResponse', status: 'completed', item: answers.map(([linkId, v]) => ({
        linkId, answer: [typeof v === 'boolean' ? { valueBoolean: v } : typeof v === 'number' ? { valueInteger: v } : { valueString: v }],
      })) } }] : []),
    ],
  };
}
