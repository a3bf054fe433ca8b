/**
 * A Provenance for each provider submission of clinical data (DEQM $submit-data, Bundle
 * upload, Synthea import): the resources it brought that are served (targets), the submitting
 * organization as author and transmitter, and the time Tandem received it. Its id is the
 * submission's (`csub-…`), the same id every target names in `meta.source`, so it is built
 * from the stored submission on each read rather than stored itself. Resources derived from
 * claims carry their claim in `meta.source` and get no Provenance.
 *
 * https://hl7.org/fhir/us/core/STU6.1/StructureDefinition-us-core-provenance.html · https://hl7.org/fhir/us/core/STU6.1/basic-provenance.html
 */

const PARTICIPANT = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';
const US_CORE_PARTICIPANT = 'http://hl7.org/fhir/us/core/CodeSystem/us-core-provenance-participant-type';

export interface SubmissionProvenanceInput {
  readonly submissionId: string;
  readonly submitterOrgId: string;
  readonly channel: string;
  readonly receivedAt: string;
  /** `Type/id` of each resource of the submission that is served. */
  readonly targets: readonly string[];
}

const CHANNEL: Readonly<Record<string, string>> = { 'submit-data': 'DEQM $submit-data', bundle: 'FHIR Bundle upload', synthea: 'Synthea import' };

export function submissionProvenance(s: SubmissionProvenanceInput): { resourceType: 'Provenance'; id: string; [k: string]: unknown } {
  const org = { reference: `Organization/${s.submitterOrgId}` };
  return {
    resourceType: 'Provenance',
    id: s.submissionId,
    target: s.targets.map((reference) => ({ reference })),
    recorded: s.receivedAt,
    agent: [
      { type: { coding: [{ system: PARTICIPANT, code: 'author' }] }, who: org },
      { type: { coding: [{ system: US_CORE_PARTICIPANT, code: 'transmitter' }] }, who: org },
    ],
    entity: [{ role: 'source', what: { display: `${CHANNEL[s.channel] ?? s.channel} ${s.submissionId}` } }],
  };
}
