/**
 * The SMART on FHIR authorization server, on oidc-provider (a certified OpenID Provider):
 * - SMART App Launch 2.0 standalone patient launch for members' apps: authorization code
 *   with PKCE (S256, required), `launch/patient openid fhirUser offline_access patient/*.rs`,
 *   the member signs in and consents (../../routes/smart-interaction-routes.ts), refresh
 *   tokens, revocation; the token response carries `patient`.
 * - SMART Backend Services for provider and payer systems: client_credentials with
 *   private_key_jwt against the JWKS registered for the client, `system/*.rs` (and, for the
 *   payer's own systems, `system/Group.u`: its attribution lists).
 * Access tokens are opaque and looked up in the database, so revoking a grant or disabling
 * a client takes effect on the next request.
 * https://hl7.org/fhir/smart-app-launch/STU2/ · https://hl7.org/fhir/smart-app-launch/STU2/backend-services.html
 */
import { grantableScopes, type AccessContext } from '@tandem/core';
import { US_CORE_CLINICAL_TYPES, US_CORE_DIRECTORY_TYPES } from '@tandem/fhir';
import { ensureSetting, getMemberIdentity, getSetting, getOrganization, type Db } from '@tandem/store';
import { exportJWK, generateKeyPair } from 'jose';
import { randomBytes } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { loadOidcProvider } from './load-oidc-provider.ts';
import { databaseAdapter } from './oidc-adapter.ts';

/** Resource types whose scopes the server grants (what /fhir serves to SMART clients). */
export const SMART_RESOURCE_TYPES = ['Patient', 'Coverage', 'ExplanationOfBenefit', 'Group', ...US_CORE_CLINICAL_TYPES, ...US_CORE_DIRECTORY_TYPES] as const;

/** Scopes a member's app may ask for, and a backend system. */
const PATIENT_SCOPES = grantableScopes('patient', SMART_RESOURCE_TYPES);
export const MEMBER_APP_SCOPES = ['openid', 'fhirUser', 'profile', 'launch/patient', 'offline_access', 'online_access', ...PATIENT_SCOPES];
export const BACKEND_SCOPES = grantableScopes('system', SMART_RESOURCE_TYPES);
/**
 * Scopes only the payer's own backend systems may get (registered by the payer for itself): changing
 * its attribution lists with ATR `$member-add`/`$member-remove` (v2 `u`, v1 `write`). A provider's or
 * another plan's system never gets them: the lists are the payer's to change.
 */
export const PAYER_SYSTEM_SCOPES = ['system/Group.u', 'system/Group.rus', 'system/Group.write'];

/**
 * The scopes a backend client may be granted, from its metadata (`tandem_org_id`,
 * `tandem_registrar_org_id`): a system its organization registered for itself — only payers
 * register — is the payer's own and adds PAYER_SYSTEM_SCOPES.
 */
export function backendScopes(orgId: unknown, registrarOrgId: unknown): string[] {
  const own = typeof orgId === 'string' && orgId === registrarOrgId;
  return own ? [...BACKEND_SCOPES, ...PAYER_SYSTEM_SCOPES] : BACKEND_SCOPES;
}

export interface SmartServer {
  readonly provider: Provider;
  readonly issuer: string;
  readonly fhirBase: string;
  /** The AccessContext of a token this server issued for /fhir, or null when it is not one of ours or no longer valid. */
  verifyAccessToken(token: string): Promise<AccessContext | null>;
  /** /.well-known/smart-configuration (https://hl7.org/fhir/smart-app-launch/STU2/conformance.html). */
  smartConfiguration(): Record<string, unknown>;
}

/** The RS256 key that signs ID tokens: made on first start, kept in the database like the dashboard's token secret. */
async function signingKey(db: Db): Promise<Record<string, unknown>> {
  const existing = await getSetting(db, 'smart-signing-jwk');
  if (existing) return JSON.parse(existing) as Record<string, unknown>;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: randomBytes(8).toString('hex') };
  // Two servers starting at once: whichever key was stored first wins for both.
  return JSON.parse(await ensureSetting(db, 'smart-signing-jwk', JSON.stringify(jwk))) as Record<string, unknown>;
}

/** Where the Fastify app mounts the authorization server. */
export const MOUNT_PATH = '/oauth';

export async function createAuthorizationServer(db: Db, publicUrl: string): Promise<SmartServer> {
  const origin = publicUrl.replace(/\/$/, '');
  const issuer = `${origin}${MOUNT_PATH}`;
  const fhirBase = `${origin}/fhir`;
  const cookieKey = await ensureSetting(db, 'smart-cookie-key', randomBytes(32).toString('base64url'));
  const jwk = await signingKey(db);
  const { default: OidcProvider, errors } = await loadOidcProvider();

  const configuration: Configuration = {
    adapter: databaseAdapter(db),
    jwks: { keys: [jwk as never] },
    cookies: { keys: [cookieKey], short: { path: '/' }, long: { path: '/' } },
    scopes: ['openid', 'offline_access', 'fhirUser', 'profile', 'launch/patient', 'online_access'],
    claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['name', 'given_name', 'family_name', 'birthdate'] },
    // SMART sends `aud` (the FHIR base URL the app wants to reach) and, for EHR launch, `launch`.
    extraParams: {
      aud(ctx: KoaContextWithOIDC, value: string | undefined) {
        if (value !== undefined && value.replace(/\/$/, '') !== fhirBase) throw new errors.InvalidRequest(`aud must be this server's FHIR base URL ${fhirBase}`);
      },
      launch: undefined,
    } as never,
    extraClientMetadata: { properties: ['tandem_org_id', 'tandem_kind', 'tandem_registrar_org_id'] },
    pkce: { required: () => true },
    clientAuthMethods: ['none', 'private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['RS384', 'ES384', 'RS256', 'ES256'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Clients that name no resource (every SMART client) get the FHIR API.
        defaultResource: () => fhirBase,
        useGrantedResource: () => true,
        // A member's app may be granted patient/ scopes only, a backend system system/ scopes only.
        getResourceServerInfo: (_ctx, indicator, client) => {
          if (indicator.replace(/\/$/, '') !== fhirBase) throw new errors.InvalidTarget(`the only resource is ${fhirBase}`);
          const scope = client['tandem_kind'] === 'backend' ? backendScopes(client['tandem_org_id'], client['tandem_registrar_org_id']) : client['tandem_kind'] === 'member-app' ? PATIENT_SCOPES : [];
          return { scope: scope.join(' '), audience: fhirBase, accessTokenTTL: 3600, accessTokenFormat: 'opaque' };
        },
      },
    },
    // A member's Patient id (the member key) is the account id.
    findAccount: async (_ctx, id) => {
      const m = await getMemberIdentity(db, id);
      if (!m) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, fhirUser: `${fhirBase}/Patient/${id}`, name: `${m.first_name} ${m.last_name}`, given_name: m.first_name, family_name: m.last_name, birthdate: m.date_of_birth }),
      };
    },
    // The launch context travels with the token so the token response can name the patient.
    extraTokenClaims: (_ctx, token) => ('accountId' in token && token.accountId ? { patient: token.accountId } : undefined),
    issueRefreshToken: (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline_access') || code.scopes.has('online_access')),
    interactions: { url: (_ctx, interaction) => `/smart/interaction/${interaction.uid}` },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, ClientCredentials: 300, IdToken: 3600, Interaction: 1800, Session: 8 * 3600, Grant: 365 * 24 * 3600, RefreshToken: 90 * 24 * 3600 },
    clientBasedCORS: () => true,
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>Authorization error</title><h1>Authorization error</h1><p>${escapeHtml(String(out['error']))}: ${escapeHtml(String(out['error_description'] ?? ''))}</p>`;
    },
  };
  const provider = new OidcProvider(issuer, configuration);

  // SMART apps ask for offline_access without prompt=consent (OpenID Connect wants it for
  // refresh tokens); every Tandem authorization shows the consent screen anyway, so say so.
  provider.use(async (ctx, next) => {
    // Mounted under /oauth of the Fastify app (routes/smart-routes.ts): URLs the library builds keep the prefix.
    (ctx as { mountPath?: string }).mountPath = MOUNT_PATH;
    if (ctx.path === '/auth' && ctx.method === 'GET') {
      const q = { ...ctx.query } as Record<string, string>;
      if (typeof q['scope'] === 'string' && /(^| )(offline_access|online_access)( |$)/.test(q['scope']) && !q['prompt']) {
        ctx.query = { ...q, prompt: 'consent' };
        (ctx.req as { originalUrl?: string }).originalUrl = `${MOUNT_PATH}${ctx.request.url}`;
      }
    }
    await next();
    // SMART's launch context in the token response: https://hl7.org/fhir/smart-app-launch/STU2/app-launch.html#response-5
    if (ctx.oidc?.route === 'token' && ctx.body && typeof ctx.body === 'object' && 'access_token' in ctx.body) {
      const body = ctx.body as Record<string, unknown>;
      const at = await provider.AccessToken.find(String(body['access_token']));
      if (at?.accountId) body['patient'] = at.accountId;
      // With resource indicators the library reports the resource's scopes only; SMART apps read
      // `scope` to learn everything granted, so the OpenID scopes of the grant join them.
      const grant = at?.grantId ? await provider.Grant.find(at.grantId) : undefined;
      if (grant) body['scope'] = [...new Set([...(grant.getOIDCScope() ?? '').split(' '), ...String(body['scope'] ?? '').split(' ')])].filter(Boolean).join(' ');
    }
  });

  async function contextOf(token: string): Promise<AccessContext | null> {
    const at = await provider.AccessToken.find(token);
    if (at) {
      if (!audienceOk(at.aud) || !at.accountId) return null;
      const m = await getMemberIdentity(db, at.accountId);
      if (!m) return null;
      return {
        actor: `member:${at.accountId} via app:${at.clientId}`, orgId: m.payer_org_id, orgKind: 'payer', role: 'analyst', purpose: 'member-request',
        patientKey: at.accountId, smartScopes: (at.scope ?? '').split(' ').filter(Boolean), accessApi: 'patient-access',
      };
    }
    const cc = await provider.ClientCredentials.find(token);
    if (!cc?.clientId || !audienceOk(cc.aud)) return null;
    const client = await provider.Client.find(cc.clientId);
    const orgId = client?.['tandem_org_id'] as string | undefined;
    const org = orgId ? await getOrganization(db, orgId) : undefined;
    if (!org) return null;
    // A provider's system uses Provider Access; another plan's system (registered by this payer
    // for an organization other than itself) uses Payer-to-Payer; the payer's own systems neither.
    const registrar = client?.['tandem_registrar_org_id'] as string | undefined;
    const accessApi = org.kind === 'provider' ? 'provider-access' as const : registrar !== undefined && registrar !== org.id ? 'payer-to-payer' as const : undefined;
    return {
      actor: `system:${cc.clientId}`, orgId: org.id, orgKind: org.kind, role: org.kind === 'provider' ? 'clinician' : 'analyst',
      purpose: org.kind === 'provider' ? 'treatment' : 'payment', smartScopes: (cc.scope ?? '').split(' ').filter(Boolean), ...(accessApi ? { accessApi } : {}),
      // Whose API the system was given: a Payer-to-Payer match answers with that payer's members only.
      ...(registrar !== undefined ? { registrarOrgId: registrar } : {}),
    };
  }
  const audienceOk = (aud: string | string[] | undefined) => (Array.isArray(aud) ? aud : [aud]).some((a) => a?.replace(/\/$/, '') === fhirBase);

  return {
    provider,
    issuer,
    fhirBase,
    verifyAccessToken: contextOf,
    smartConfiguration: () => ({
      issuer,
      jwks_uri: `${issuer}/jwks`,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      revocation_endpoint: `${issuer}/token/revocation`,
      introspection_endpoint: `${issuer}/token/introspection`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384', 'RS256', 'ES256'],
      scopes_supported: [...MEMBER_APP_SCOPES, ...BACKEND_SCOPES, ...PAYER_SYSTEM_SCOPES],
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      capabilities: ['launch-standalone', 'client-public', 'client-confidential-asymmetric', 'context-standalone-patient', 'permission-offline', 'permission-patient', 'permission-v1', 'permission-v2', 'sso-openid-connect', 'authorize-post'],
    }),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
