/**
 * A SMART Backend Services system for tests, set up as a real one is: a payer administrator
 * registers it with its public JWK Set (`POST /api/smart/clients`), then the system signs a
 * `private_key_jwt` client assertion (jose, ES384) and asks `/oauth/token` for a
 * client_credentials token. Through `inject()`, so it works whether or not the app listens;
 * the opaque token it returns is good over `fetch` too.
 * https://hl7.org/fhir/smart-app-launch/STU2/backend-services.html
 */
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';

/** The public URL the test app is built with (app.ts default): the assertion's audience is its token endpoint. */
const HOST = 'localhost:8080';

export interface BackendSystemOptions {
  /** Bearer token of the payer administrator who registers the system (its organization becomes the registrar). */
  readonly registrar: string;
  /** The organization the system acts for (a provider, the payer itself, or another payer). */
  readonly orgId: string;
  readonly name?: string;
  /** Scopes asked for; `system/*.rs` unless given. */
  readonly scope?: string;
}

/** Registers a backend system and gets it a token; fails the test with the server's answer when either step is refused. */
export async function backendSystem(app: FastifyInstance, o: BackendSystemOptions): Promise<{ clientId: string; token: string }> {
  const { publicKey, privateKey } = await generateKeyPair('ES384');
  const reg = await app.inject({
    method: 'POST', url: '/api/smart/clients', headers: { authorization: `Bearer ${o.registrar}` },
    payload: { kind: 'backend', name: o.name ?? `System of ${o.orgId}`, orgId: o.orgId, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES384' }] } },
  });
  if (reg.statusCode !== 201) throw new Error(`registering a system for ${o.orgId} answered ${reg.statusCode}: ${reg.body}`);
  const clientId = (reg.json() as { clientId: string }).clientId;
  const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'ES384', kid: 'k' }).setIssuer(clientId).setSubject(clientId)
    .setAudience(`http://${HOST}/oauth/token`).setJti(randomBytes(8).toString('hex')).setIssuedAt().setExpirationTime('5m').sign(privateKey);
  const res = await app.inject({
    method: 'POST', url: '/oauth/token', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ grant_type: 'client_credentials', scope: o.scope ?? 'system/*.rs', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString(),
  });
  if (res.statusCode !== 200) throw new Error(`token for ${clientId} answered ${res.statusCode}: ${res.body}`);
  return { clientId, token: (res.json() as { access_token: string }).access_token };
}

/** The access token of a newly registered backend system (see backendSystem). */
export async function backendToken(app: FastifyInstance, o: BackendSystemOptions): Promise<string> {
  return (await backendSystem(app, o)).token;
}
