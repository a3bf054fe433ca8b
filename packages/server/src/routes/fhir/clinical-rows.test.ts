import type { SubmittedClinicalRow } from '@tandem/store';
import { describe, expect, it } from 'vitest';
import { submissionProvenances } from './clinical-rows.ts';

const row = (resourceType: string, resourceId: string, submissionId: string): SubmittedClinicalRow => ({
  memberKey: 'm-1', resourceType, resourceId, submissionId, submitterOrgId: 'org-prov-1', channel: 'bundle', receivedAt: '2026-06-30T12:00:00.000Z',
  resource: { resourceType, id: resourceId },
});

describe('submission Provenances', () => {
  const submitted = [row('Condition', 'c-1', 'csub-1'), row('Observation', 'o-1', 'csub-1'), row('Condition', 'c-2', 'csub-2')];
  const targets = (scopes?: string[]) => submissionProvenances(submitted, scopes).map((p) => [p.id, (p['target'] as Array<{ reference: string }>).map((t) => t.reference)]);

  it('name every served resource of each submission without a SMART token', () => {
    expect(targets()).toEqual([['csub-1', ['Condition/c-1', 'Observation/o-1']], ['csub-2', ['Condition/c-2']]]);
  });

  it("name only what a SMART token may read, and leave out a submission with nothing it may read", () => {
    expect(targets(['patient/Provenance.rs', 'patient/Observation.rs'])).toEqual([['csub-1', ['Observation/o-1']]]);
    expect(targets(['patient/*.rs'])).toEqual(targets());
  });
});
