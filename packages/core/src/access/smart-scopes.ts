/**
 * SMART App Launch 2.0 resource scopes: `<context>/<type>.<permissions>` where context is
 * patient, user or system, type a resource type or `*`, and permissions a subset of `cruds`
 * (v2) or `read`/`write`/`*` (v1, still sent by older clients).
 * https://hl7.org/fhir/smart-app-launch/STU2/scopes-and-launch-context.html
 */
export const SMART_CONTEXTS = ['patient', 'user', 'system'] as const;
export type SmartContext = (typeof SMART_CONTEXTS)[number];

export interface SmartScope {
  readonly context: SmartContext;
  readonly type: string;
  readonly read: boolean;
  readonly search: boolean;
  /** v2 `u`, v1 `write` or `*`: changing a resource (the ATR `$member-add`/`$member-remove` on Group). */
  readonly update: boolean;
}

const SCOPE = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]+)\.(\*|read|write|c?r?u?d?s?)(\?.*)?$/;

/** Parses one resource scope; undefined for anything else (openid, launch/patient, …). */
export function parseSmartScope(s: string): SmartScope | undefined {
  const m = SCOPE.exec(s);
  if (!m || m[3] === '') return undefined;
  const perms = m[3]!;
  // v1 words first: `write` spells an r but grants no read, and `read` no update.
  const v1 = perms === '*' || perms === 'read' || perms === 'write';
  const read = v1 ? perms !== 'write' : perms.includes('r');
  const search = v1 ? perms !== 'write' : perms.includes('s');
  const update = v1 ? perms !== 'read' : perms.includes('u');
  return { context: m[1] as SmartContext, type: m[2]!, read, search, update };
}

/** Whether granted scopes allow reading, searching or updating a resource type. */
export function smartScopeAllows(scopes: readonly string[], type: string, interaction: 'read' | 'search' | 'update'): boolean {
  return scopes.some((s) => {
    const p = parseSmartScope(s);
    return p !== undefined && (p.type === '*' || p.type === type) && p[interaction];
  });
}

/**
 * Every resource scope the authorization server may grant for a context and the types
 * Tandem serves: the wildcard and each type, with v2 `rs`/`r`/`s` and v1 `read`.
 */
export function grantableScopes(context: SmartContext, types: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of ['*', ...types]) for (const p of ['rs', 'r', 's', 'read']) out.push(`${context}/${t}.${p}`);
  return out;
}
