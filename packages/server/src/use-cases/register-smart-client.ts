/**
 * Registration of SMART clients by a payer administrator: members' apps (public clients,
 * authorization code + PKCE, standalone patient launch) and provider or payer systems
 * (SMART Backend Services, private_key_jwt against the JWKS given here). The metadata is
 * validated by oidc-provider itself before it is stored.
 * https://hl7.org/fhir/smart-app-launch/STU2/app-launch.html#register-app-with-ehr
 * https://hl7.org/fhir/smart-app-launch/STU2/backend-services.html#registering-a-smart-backend-service-communicating-details
 */
import { TandemError, type AccessContext } from '@tandem/core';
import { getOrganization, insertSmartClient, recordAudit, type Db } from '@tandem/store';
import { randomBytes } from 'node:crypto';
import { backendScopes, MEMBER_APP_SCOPES, type SmartServer } from '../auth/smart/authorization-server.ts';

export type SmartClientInput =
  | { readonly kind: 'member-app'; readonly name: string; readonly redirectUris: readonly string[] }
  | { readonly kind: 'backend'; readonly name: string; readonly orgId: string; readonly jwks?: { keys: unknown[] } | undefined; readonly jwksUri?: string | undefined };

export interface RegisteredClient {
  readonly clientId: string;
  readonly kind: 'member-app' | 'backend';
  readonly name: string;
  readonly orgId: string;
  readonly scope: string;
}

/** Only a payer's administrator (or the system) registers clients. */
export function assertCanRegister(ctx: AccessContext): void {
  if (ctx.orgKind !== 'payer' || (ctx.role !== 'admin' && ctx.role !== 'system') || ctx.patientKey !== undefined)
    throw new TandemError('FORBIDDEN', 'only a payer administrator registers SMART apps and systems');
}

export async function registerSmartClient(db: Db, smart: SmartServer, ctx: AccessContext, input: SmartClientInput): Promise<RegisteredClient> {
  assertCanRegister(ctx);
  const name = input.name.trim();
  if (!name) throw new TandemError('INVALID_REQUEST', 'name is required');
  const clientId = `${input.kind === 'member-app' ? 'app' : 'sys'}-${randomBytes(12).toString('base64url')}`;
  let orgId: string;
  let metadata: Record<string, unknown>;
  if (input.kind === 'member-app') {
    if (input.redirectUris.length === 0) throw new TandemError('INVALID_REQUEST', 'a member app needs at least one redirect URI');
    orgId = ctx.orgId;
    metadata = {
      client_id: clientId, client_name: name, redirect_uris: [...input.redirectUris], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  } else {
    const org = await getOrganization(db, input.orgId);
    if (!org) throw new TandemError('INVALID_REQUEST', `organization ${input.orgId} does not exist (see \`tandem orgs\`)`);
    if (!input.jwks === !input.jwksUri) throw new TandemError('INVALID_REQUEST', 'a backend system needs exactly one of jwks (a JWK Set with its public keys) or jwksUri');
    orgId = org.id;
    metadata = {
      client_id: clientId, client_name: name, redirect_uris: [], grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'private_key_jwt',
      ...(input.jwks ? { jwks: input.jwks } : { jwks_uri: input.jwksUri }),
    };
  }
  metadata = { ...metadata, tandem_kind: input.kind, tandem_org_id: orgId, tandem_registrar_org_id: ctx.orgId };
  try {
    await smart.provider.Client.validate(metadata as { client_id: string });
  } catch (e) {
    const err = e as { error_description?: string; message: string };
    throw new TandemError('INVALID_REQUEST', `client metadata: ${err.error_description ?? err.message}`);
  }
  if (input.kind === 'backend' && input.jwks) {
    const keys = input.jwks.keys as Array<Record<string, unknown>>;
    if (keys.some((k) => 'd' in k)) throw new TandemError('INVALID_REQUEST', 'the JWK Set holds a private key; register the public keys only');
  }
  await insertSmartClient(db, { clientId, kind: input.kind, name, orgId, registeredBy: ctx.actor, metadata });
  await recordAudit(db, ctx, { action: 'create', resourceType: 'SmartClient', resourceId: clientId, detail: { kind: input.kind, orgId } });
  // The scopes a client may be granted follow from its kind (authorization-server.ts getResourceServerInfo).
  return { clientId, kind: input.kind, name, orgId, scope: (input.kind === 'member-app' ? MEMBER_APP_SCOPES : backendScopes(metadata['tandem_org_id'], metadata['tandem_registrar_org_id'])).join(' ') };
}
