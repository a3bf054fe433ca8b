/**
 * The CARIN Basis ExplanationOfBenefit written straight to JSON text, for the Provider Access
 * bulk export (one NDJSON line per claim). It produces exactly `JSON.stringify(eobBasisResource(e))`
 * — same members, same order, same escaping (every variable string goes through JSON.stringify) —
 * without building the object tree first: at a million claims that tree, and the garbage it
 * leaves, cost the export more time than the database did. eob-basis.test.ts compares the two
 * byte for byte, and the bulk export test compares it with the search API's EOB on stored claims.
 * https://hl7.org/fhir/us/carin-bb/STU2.1/StructureDefinition-C4BB-ExplanationOfBenefit-Professional-NonClinician-Basis.html
 * https://hl7.org/fhir/uv/bulkdata/STU2/export.html (NDJSON output)
 */
import { icd10WithDot, procedureSystem, SYSTEM } from './identifiers.ts';
import type { EobBasisInput } from './resources.ts';

const q = JSON.stringify;
/** A JSON number as JSON.stringify writes it (NaN and ±Infinity as null). */
const num = (n: number) => (Number.isFinite(n) ? String(n) : 'null');
const coding = (system: string) => `{"coding":[{"system":${q(system)},"code":`;

const HEAD = '{"resourceType":"ExplanationOfBenefit","id":';
const PROFILE = {
  professional: q(`${SYSTEM.carinEobType}C4BB-ExplanationOfBenefit-Professional-NonClinician-Basis`),
  institutional: q(`${SYSTEM.carinEobType}C4BB-ExplanationOfBenefit-Outpatient-Institutional-Basis`),
};
const UC = `"identifier":[{"type":{"coding":[{"system":${q(SYSTEM.carinIdentifierType)},"code":"uc","display":"Unique Claim ID"}]},"system":${q(SYSTEM.claimId)},"value":`;
const PCN = `{"system":${q(SYSTEM.patientControlNumber)},"value":`;
const TYPE = `"status":"active","type":${coding(SYSTEM.claimType)}`;
const NPI = `{"identifier":{"system":${q(SYSTEM.npi)},"value":`;
const TOB = `"supportingInfo":[{"sequence":1,"category":${coding('http://hl7.org/fhir/us/carin-bb/CodeSystem/C4BBSupportingInfoType')}"typeofbill"}]},"code":${coding(SYSTEM.typeOfBill)}`;
const DX = `"diagnosisCodeableConcept":${coding(SYSTEM.icd10cm)}`;
const DX_TYPE = `"type":[${coding('http://terminology.hl7.org/CodeSystem/ex-diagnosistype')}`;
const REVENUE = `"revenue":${coding(SYSTEM.revenue)}`;
const NOT_APPLICABLE = `"productOrService":${coding('http://terminology.hl7.org/CodeSystem/data-absent-reason')}"not-applicable"}]}`;
const MODIFIER = coding(SYSTEM.cpt);
const POS = `"locationCodeableConcept":${coding(SYSTEM.pos)}`;
const NETWORK = { in: `"adjudication":[{"category":${coding(SYSTEM.carinAdjudicationDiscriminator)}"innetwork"}]}}]}`, out: `"adjudication":[{"category":${coding(SYSTEM.carinAdjudicationDiscriminator)}"outofnetwork"}]}}]}` };

export function eobBasisJson(e: EobBasisInput): string {
  const institutional = e.kind === 'institutional';
  const id = q(e.id);
  const received = q(e.receivedAt);
  let s = `${HEAD}${id},"meta":{"lastUpdated":${received},"profile":[${institutional ? PROFILE.institutional : PROFILE.professional}]},${UC}${id}},${PCN}${q(e.patientControlNumber)}}],`
    + `${TYPE}${institutional ? '"institutional"' : '"professional"'}}]},"use":"claim","patient":{"reference":${q(`Patient/${e.memberKey}`)}},`
    + `"billablePeriod":{"start":${q(e.serviceDateFrom)},"end":${q(e.serviceDateTo)}},"created":${received},`
    + `"insurer":{"reference":${q(`Organization/${e.payerOrgId}`)}${e.payerName ? `,"display":${q(e.payerName)}` : ''}},`
    + `"provider":${e.providerOrgId ? `{"reference":${q(`Organization/${e.providerOrgId}`)}` : `${NPI}${q(e.billingNpi ?? '')}}`},"display":${q(e.providerName)}},`
    + '"outcome":"complete",';
  if (e.typeOfBill) s += `${TOB}${q(e.typeOfBill)}}]}}],`;
  s += '"diagnosis":[';
  for (let i = 0; i < e.diagnoses.length; i++) {
    s += `${i ? ',' : ''}{"sequence":${i + 1},${DX}${q(icd10WithDot(e.diagnoses[i]!.code))}}]},${DX_TYPE}${i === 0 ? '"principal"' : '"secondary"'}}]}]}`;
  }
  s += `],"insurance":[{"focal":true,"coverage":${e.coverageId ? `{"reference":${q(`Coverage/${e.coverageId}`)}}` : '{"display":"unknown coverage"}'}}],"item":[`;
  const pos = e.placeOfService ? `${POS}${q(e.placeOfService)}}]},` : '';
  const network = e.network === 'out' ? NETWORK.out : NETWORK.in;
  for (let i = 0; i < e.lines.length; i++) {
    const l = e.lines[i]!;
    const code = l.procedureCode;
    s += `${i ? ',' : ''}{"sequence":${num(l.lineNumber)},`;
    if (l.revenueCode) s += `${REVENUE}${q(l.revenueCode)}}]},`;
    s += code ? `"productOrService":${coding(procedureSystem(code))}${q(code)}}]},` : `${NOT_APPLICABLE},`;
    if (l.modifiers.length) {
      s += '"modifier":[';
      for (let m = 0; m < l.modifiers.length; m++) s += `${m ? ',' : ''}${MODIFIER}${q(l.modifiers[m])}}]}`;
      s += '],';
    }
    s += `"servicedPeriod":{"start":${q(l.serviceDateFrom)},"end":${q(l.serviceDateTo)}},${pos}"quantity":{"value":${num(Number(l.units) || 1)}},${network}`;
  }
  return `${s}]}`;
}
