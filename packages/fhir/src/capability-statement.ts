/**
 * The server's FHIR CapabilityStatements, built from the routes the server has registered, so a
 * statement cannot claim what is not routed nor miss what is:
 * - the server's full statement (`/fhir/metadata`): every FHIR interaction and operation routed;
 * - one per CMS-0057-F access API — Patient Access, Provider Access, Payer-to-Payer — each
 *   instantiating its Da Vinci PDex counterpart and declaring only the part of the full
 *   statement that belongs to that API.
 * A route is read from its URL (`/fhir/{type}`, `/fhir/{type}/:id`, `/fhir/{type}/$op`,
 * `/fhir/{type}/:id/$op`, `/fhir/$op`); search parameters and `_include`s come from the route's
 * own declaration (Fastify route config `fhir`), never from a list kept here.
 * https://hl7.org/fhir/R4/capabilitystatement.html
 * https://hl7.org/fhir/us/davinci-pdex/STU2.1/artifacts.html#behavior-capability-statements
 */
import { ACCESS_APIS, type AccessApi } from '@tandem/core';
import type { CapabilityStatement, CapabilityStatementRestResource, CapabilityStatementRestResourceOperation, CapabilityStatementRestResourceSearchParam } from '@medplum/fhirtypes';
import { PDEX_PRIOR_AUTH_PROFILE } from './pdex-prior-auth.ts';
import { US_CORE_DIRECTORY_PROFILES } from './us-core-directory.ts';

const usCore = (p: string) => `http://hl7.org/fhir/us/core/StructureDefinition/${p}`;

/** One route of the FHIR API as the server registered it. */
export interface FhirRouteInfo {
  readonly method: string;
  /** The route pattern, e.g. `/fhir/Patient/:id/$everything`. */
  readonly url: string;
  /** Search parameters the route's handler accepts (search routes). */
  readonly searchParams?: readonly string[];
  /** `_include` values the route's handler honours. */
  readonly searchInclude?: readonly string[];
  /** `_revinclude` values the route's handler honours. */
  readonly searchRevInclude?: readonly string[];
  /** Whether a member's app (SMART patient-context token) is let through on this route. */
  readonly patientAccess: boolean;
}


/** Each access API's statement: its id under /fhir/CapabilityStatement and the PDex statement it instantiates. */
export const ACCESS_API_STATEMENTS: Readonly<Record<AccessApi, { id: string; title: string; instantiates: readonly string[]; security: 'patient' | 'backend' }>> = {
  'patient-access': {
    id: 'tandem-patient-access', title: 'Tandem Patient Access API (member apps)', security: 'patient',
    instantiates: ['http://hl7.org/fhir/us/davinci-pdex/CapabilityStatement/pdex-server-6-1', 'http://hl7.org/fhir/us/carin-bb/CapabilityStatement/c4bb', 'http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server'],
  },
  'provider-access': {
    id: 'tandem-provider-access', title: 'Tandem Provider Access API (in-network providers)', security: 'backend',
    instantiates: ['http://hl7.org/fhir/us/davinci-pdex/CapabilityStatement/pdex-provider-access-server', 'http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'],
  },
  'payer-to-payer': {
    id: 'tandem-payer-to-payer', title: 'Tandem Payer-to-Payer API (other health plans)', security: 'backend',
    instantiates: ['http://hl7.org/fhir/us/davinci-pdex/CapabilityStatement/pdex-payer-access-server'],
  },
};

const PDEX_IG = 'http://hl7.org/fhir/us/davinci-pdex/ImplementationGuide/hl7.fhir.us.davinci-pdex|2.1.0';

/**
 * Operations we know: their canonical definition and the access APIs they belong to. An
 * operation routed but not listed here still appears in the full statement (with a Tandem
 * definition URL), in no access API's.
 */
const OPERATIONS: Readonly<Record<string, { definition: string; apis: readonly AccessApi[] }>> = {
  everything: { definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything', apis: ['patient-access'] },
  'member-match': { definition: 'http://hl7.org/fhir/us/davinci-hrex/OperationDefinition/member-match', apis: ['payer-to-payer'] },
  'bulk-member-match': { definition: 'http://hl7.org/fhir/us/davinci-pdex/OperationDefinition/BulkMemberMatch', apis: ['payer-to-payer'] },
  'provider-member-match': { definition: 'http://hl7.org/fhir/us/davinci-pdex/OperationDefinition/ProviderMemberMatch', apis: ['provider-access'] },
  'davinci-data-export': { definition: 'http://hl7.org/fhir/us/davinci-atr/OperationDefinition/davinci-data-export', apis: ['provider-access', 'payer-to-payer'] },
  'member-add': { definition: 'http://hl7.org/fhir/us/davinci-atr/OperationDefinition/member-add', apis: ['provider-access'] },
  'member-remove': { definition: 'http://hl7.org/fhir/us/davinci-atr/OperationDefinition/member-remove', apis: ['provider-access'] },
  'attribution-status': { definition: 'http://hl7.org/fhir/us/davinci-atr/OperationDefinition/attribution-status', apis: ['provider-access'] },
  'confirm-attribution-list': { definition: 'http://hl7.org/fhir/us/davinci-atr/OperationDefinition/confirm-attribution-list', apis: ['provider-access'] },
  docref: { definition: 'http://hl7.org/fhir/us/core/OperationDefinition/docref', apis: ['patient-access'] },
  'submit-data': { definition: 'http://hl7.org/fhir/OperationDefinition/Measure-submit-data', apis: [] },
  'care-gaps': { definition: 'http://hl7.org/fhir/us/davinci-deqm/OperationDefinition/care-gaps', apis: [] },
  'evaluate-measure': { definition: 'http://hl7.org/fhir/OperationDefinition/Measure-evaluate-measure', apis: [] },
  submit: { definition: 'http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-submit', apis: [] },
  inquire: { definition: 'http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-inquiry', apis: [] },
};
/** `$export` differs by level (Bulk Data STU2). */
const EXPORT_DEFINITION = { system: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export', Group: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export', Patient: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' } as const;

/** Profiles of the resources Tandem builds (the mapping in ./resources.ts, ./attribution-group.ts, ./pas-*.ts). */
const PROFILES: Readonly<Record<string, readonly string[]>> = {
  Patient: ['http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Patient'],
  Coverage: ['http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Coverage'],
  ExplanationOfBenefit: ['http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit-Professional-NonClinician', 'http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-ExplanationOfBenefit-Outpatient-Institutional', PDEX_PRIOR_AUTH_PROFILE],
  Group: ['http://hl7.org/fhir/us/davinci-atr/StructureDefinition/atr-group', 'http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/pdex-member-opt-out', 'http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/pdex-member-match-group', 'http://hl7.org/fhir/us/davinci-pdex/StructureDefinition/pdex-member-no-match-group'],
  // US Core 6.1: the profiles each clinical type may carry (the one met is named in meta.profile).
  Condition: ['us-core-condition-encounter-diagnosis', 'us-core-condition-problems-health-concerns'].map(usCore),
  Encounter: ['us-core-encounter'].map(usCore),
  Procedure: ['us-core-procedure'].map(usCore),
  Observation: ['us-core-observation-lab', 'us-core-vital-signs', 'us-core-simple-observation', 'us-core-observation-screening-assessment'].map(usCore),
  DiagnosticReport: ['us-core-diagnosticreport-lab', 'us-core-diagnosticreport-note'].map(usCore),
  MedicationRequest: ['us-core-medicationrequest'].map(usCore),
  Immunization: ['us-core-immunization'].map(usCore),
  AllergyIntolerance: ['us-core-allergyintolerance'].map(usCore),
  CarePlan: ['us-core-careplan'].map(usCore),
  CareTeam: ['us-core-careteam'].map(usCore),
  Goal: ['us-core-goal'].map(usCore),
  ServiceRequest: ['us-core-servicerequest'].map(usCore),
  DocumentReference: ['us-core-documentreference'].map(usCore),
  Specimen: ['us-core-specimen'].map(usCore),
  Device: ['us-core-implantable-device'].map(usCore),
  RelatedPerson: ['us-core-relatedperson'].map(usCore),
  MedicationDispense: ['us-core-medicationdispense'].map(usCore),
  Medication: ['us-core-medication'].map(usCore),
  Provenance: ['us-core-provenance'].map(usCore),
  // US Core 6.1 directory resources from the provider registry (./us-core-directory.ts).
  Practitioner: [US_CORE_DIRECTORY_PROFILES.Practitioner],
  PractitionerRole: [US_CORE_DIRECTORY_PROFILES.PractitionerRole],
  Organization: [US_CORE_DIRECTORY_PROFILES.Organization, 'http://hl7.org/fhir/us/carin-bb/StructureDefinition/C4BB-Organization'],
  Location: [US_CORE_DIRECTORY_PROFILES.Location],
  Claim: ['http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claim'],
  ClaimResponse: ['http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claimresponse'],
  Subscription: ['http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription'],
};

/** Search parameter types (R4 search parameter registry and US Core); a name not listed is declared as `token`. */
const PARAM_TYPES: Readonly<Record<string, CapabilityStatementRestResourceSearchParam['type']>> = {
  _id: 'token', _lastUpdated: 'date', identifier: 'token', name: 'string', family: 'string', given: 'string', birthdate: 'date', gender: 'token',
  patient: 'reference', beneficiary: 'reference', subject: 'reference', encounter: 'reference', type: 'token', status: 'token', category: 'token', code: 'token',
  date: 'date', 'service-date': 'date', 'service-start-date': 'date', 'billable-period-start': 'date', characteristic: 'token', 'characteristic-value-reference': 'reference',
  'clinical-status': 'token', 'onset-date': 'date', 'recorded-date': 'date', authoredon: 'date', authored: 'date', 'target-date': 'date', 'lifecycle-status': 'token', period: 'date', address: 'string', practitioner: 'reference', specialty: 'token',
  'address-city': 'string', 'address-state': 'string', 'address-postalcode': 'string',
};

type Interaction = 'read' | 'search-type' | 'create' | 'update' | 'delete';

/** What one route gives a client. */
export type FhirCapability =
  | { readonly kind: 'interaction'; readonly type: string; readonly code: Interaction; readonly route: FhirRouteInfo }
  | { readonly kind: 'operation'; readonly level: 'system' | 'type' | 'instance'; readonly type: string | null; readonly name: string; readonly route: FhirRouteInfo };

const TYPE = /^[A-Z][A-Za-z]+$/;

/** The capability a route provides, or null for routes that are not FHIR interactions (bulk status, files, discovery). */
export function capabilityOfRoute(route: FhirRouteInfo): FhirCapability | null {
  if (!route.url.startsWith('/fhir/')) return null;
  const parts = route.url.slice('/fhir/'.length).split('/');
  const m = route.method.toUpperCase();
  const op = (s: string | undefined) => (s?.startsWith('$') ? s.slice(1) : undefined);
  if (parts.length === 1 && op(parts[0])) return { kind: 'operation', level: 'system', type: null, name: op(parts[0])!, route };
  const type = parts[0]!;
  if (!TYPE.test(type)) return null;
  if (parts.length === 1) return m === 'GET' ? { kind: 'interaction', type, code: 'search-type', route } : m === 'POST' ? { kind: 'interaction', type, code: 'create', route } : null;
  if (parts.length === 2 && parts[1] === '_search' && m === 'POST') return { kind: 'interaction', type, code: 'search-type', route };
  if (parts.length === 2 && op(parts[1])) return { kind: 'operation', level: 'type', type, name: op(parts[1])!, route };
  if (parts.length === 2 && parts[1]!.startsWith(':')) {
    const code: Interaction | null = m === 'GET' ? 'read' : m === 'PUT' ? 'update' : m === 'DELETE' ? 'delete' : null;
    return code ? { kind: 'interaction', type, code, route } : null;
  }
  if (parts.length === 3 && parts[1]!.startsWith(':') && op(parts[2])) return { kind: 'operation', level: 'instance', type, name: op(parts[2])!, route };
  return null;
}

/** The access APIs a capability is part of. */
export function accessApisOf(c: FhirCapability): readonly AccessApi[] {
  if (c.kind === 'operation') {
    if (c.name === 'export') return c.type === 'Group' ? ['provider-access'] : [];
    const apis = OPERATIONS[c.name]?.apis ?? [];
    // Patient Access is what a member's app may reach.
    return apis.filter((a) => a !== 'patient-access' || c.route.patientAccess);
  }
  // Attribution and member-match Groups are how providers and other payers address members.
  if (c.type === 'Group') return c.code === 'read' || c.code === 'search-type' ? ['provider-access', 'payer-to-payer'] : [];
  return c.route.patientAccess && (c.code === 'read' || c.code === 'search-type') ? ['patient-access'] : [];
}

function operationOf(c: Extract<FhirCapability, { kind: 'operation' }>): CapabilityStatementRestResourceOperation {
  const definition = c.name === 'export' ? (c.type === null ? EXPORT_DEFINITION.system : c.type === 'Group' ? EXPORT_DEFINITION.Group : EXPORT_DEFINITION.Patient)
    : c.name === 'everything' && c.type !== 'Patient' ? `http://hl7.org/fhir/OperationDefinition/${c.type ?? 'Resource'}-everything`
      : OPERATIONS[c.name]?.definition ?? `https://tandem.health/fhir/OperationDefinition/${c.name}`;
  return { name: c.name, definition };
}

function resources(caps: readonly FhirCapability[]): CapabilityStatementRestResource[] {
  const byType = new Map<string, FhirCapability[]>();
  for (const c of caps) if (c.type) byType.set(c.type, [...(byType.get(c.type) ?? []), c]);
  return [...byType.keys()].sort().map((type) => {
    const own = byType.get(type)!;
    const interactions = own.filter((c): c is Extract<FhirCapability, { kind: 'interaction' }> => c.kind === 'interaction');
    const ops = own.filter((c): c is Extract<FhirCapability, { kind: 'operation' }> => c.kind === 'operation');
    const search = interactions.find((c) => c.code === 'search-type');
    const params = [...new Set(search?.route.searchParams ?? [])].filter((p) => p !== '_include' && p !== '_revinclude');
    const includes = search?.route.searchInclude ?? [];
    const r: CapabilityStatementRestResource = { type: type as CapabilityStatementRestResource['type'] };
    if (PROFILES[type]) r.supportedProfile = [...PROFILES[type]!];
    const codes = [...new Set(interactions.map((c) => c.code))];
    if (codes.length) r.interaction = codes.map((code) => ({ code }));
    if (includes.length) r.searchInclude = [...includes];
    if (search?.route.searchRevInclude?.length) r.searchRevInclude = [...search.route.searchRevInclude];
    if (params.length) r.searchParam = params.map((name) => ({ name, type: PARAM_TYPES[name] ?? 'token' }));
    if (ops.length) r.operation = dedupe(ops.map(operationOf));
    return r;
  });
}

function dedupe(ops: CapabilityStatementRestResourceOperation[]): CapabilityStatementRestResourceOperation[] {
  return ops.filter((o, i) => ops.findIndex((x) => x.name === o.name) === i);
}

const SMART_SERVICE = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] };

interface StatementInput {
  readonly baseUrl: string;
  readonly version: string;
  readonly date: string;
  readonly routes: readonly FhirRouteInfo[];
}

function capabilities(routes: readonly FhirRouteInfo[]): FhirCapability[] {
  return routes.map(capabilityOfRoute).filter((c): c is FhirCapability => c !== null);
}

function statement(input: StatementInput, caps: readonly FhirCapability[], head: Partial<CapabilityStatement>, security: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: input.date,
    kind: 'instance',
    software: { name: 'Tandem', version: input.version },
    implementation: { description: 'Tandem payer–provider platform FHIR API', url: input.baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    ...head,
    rest: [{
      mode: 'server',
      security: { cors: true, service: [SMART_SERVICE], description: security },
      resource: resources(caps),
      ...(caps.some((c) => c.kind === 'operation' && c.level === 'system') ? { operation: dedupe(caps.filter((c): c is Extract<FhirCapability, { kind: 'operation' }> => c.kind === 'operation' && c.level === 'system').map(operationOf)) } : {}),
    }],
  };
}

/** The canonical URL of an access API's statement on this server. */
export function accessApiStatementUrl(baseUrl: string, api: AccessApi): string {
  return `${baseUrl}/CapabilityStatement/${ACCESS_API_STATEMENTS[api].id}`;
}

/** `/fhir/metadata`: everything the server routes, instantiating the three access API statements. */
export function capabilityStatement(input: StatementInput): CapabilityStatement {
  const caps = capabilities(input.routes);
  return statement(input, caps, {
    instantiates: [...ACCESS_APIS.map((a) => accessApiStatementUrl(input.baseUrl, a)), 'http://hl7.org/fhir/us/carin-bb/CapabilityStatement/c4bb', 'http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server', 'http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data'],
    implementationGuide: [PDEX_IG],
  }, 'SMART App Launch 2.0 and Backend Services tokens (see .well-known/smart-configuration), or dashboard bearer tokens from POST /auth/login or `tandem token`');
}

/** One access API's statement: the part of the full statement that belongs to it. */
export function accessApiCapabilityStatement(api: AccessApi, input: StatementInput): CapabilityStatement {
  const meta = ACCESS_API_STATEMENTS[api];
  const caps = capabilities(input.routes).filter((c) => accessApisOf(c).includes(api));
  return statement(input, caps, {
    id: meta.id, url: accessApiStatementUrl(input.baseUrl, api), name: meta.id.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()), title: meta.title,
    instantiates: [...meta.instantiates], implementationGuide: [PDEX_IG],
    description: `What ${meta.title} serves, derived from the routes this server has registered. It does not yet meet every SHALL of the PDex statement it instantiates; the known gaps are listed in Tandem's README (Access APIs).`,
  }, meta.security === 'patient'
    ? 'SMART App Launch 2.0 standalone patient launch (authorization code + PKCE, patient/*.rs scopes); a member authorizes each app and may revoke it'
    : 'SMART Backend Services (client_credentials with private_key_jwt, system/*.rs scopes) for systems a payer administrator registered, or Tandem bearer tokens');
}
