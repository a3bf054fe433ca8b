/**
 * A SMART App Launch 2.0 standalone patient launch through `inject()`, as a member's browser
 * and app would run it: authorization request with PKCE, the member's sign-in and consent,
 * the code exchange. For tests that need a member app's access token.
 * https://hl7.org/fhir/smart-app-launch/STU2/app-launch.html
 */
import type { FastifyInstance } from 'fastify';
import { createHash, randomBytes } from 'node:crypto';

const HOST = 'localhost:8080';
const ORIGIN = `http://${HOST}`;

/** Launches `clientId` (registered with `redirectUri`) for the member who signs in; returns the token response. */
export async function launchMemberApp(app: FastifyInstance, o: { clientId: string; redirectUri: string; username: string; password: string }): Promise<{ access_token: string; patient: string }> {
  const cookies = new Map<string, string>();
  const keep = (set: string | string[] | undefined) => {
    for (const c of [set ?? []].flat()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      if (/expires=Thu, 01 Jan 1970/i.test(c) || pair!.slice(i + 1) === '') cookies.delete(pair!.slice(0, i));
      else cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  const headers = () => ({ host: HOST, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') });
  const path = (location: unknown) => {
    const u = new URL(String(location), ORIGIN);
    return `${u.pathname}${u.search}`;
  };
  const get = async (url: string) => {
    const r = await app.inject({ url, headers: headers() });
    keep(r.headers['set-cookie']);
    return r;
  };
  const post = async (url: string, form: Record<string, string>) => {
    const r = await app.inject({ method: 'POST', url, headers: { ...headers(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });
    keep(r.headers['set-cookie']);
    return r;
  };
  const verifier = randomBytes(32).toString('base64url');
  const q = new URLSearchParams({
    response_type: 'code', client_id: o.clientId, redirect_uri: o.redirectUri, scope: 'launch/patient openid fhirUser offline_access patient/*.rs', state: 's',
    aud: `${ORIGIN}/fhir`, code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
  });
  const login = path((await get(`/oauth/auth?${q}`)).headers.location);
  await get(login);
  const resume = await post(`${login}/login`, { username: o.username, password: o.password });
  if (resume.statusCode !== 303) throw new Error(`member sign-in failed: ${resume.statusCode}`);
  const consent = path((await get(path(resume.headers.location))).headers.location);
  const confirmed = await post(`${consent}/confirm`, { decision: 'allow' });
  const callback = new URL(String((await get(path(confirmed.headers.location))).headers.location));
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no authorization code: ${callback.toString()}`);
  const tok = await app.inject({
    method: 'POST', url: '/oauth/token', headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ client_id: o.clientId, grant_type: 'authorization_code', code, redirect_uri: o.redirectUri, code_verifier: verifier }).toString(),
  });
  if (tok.statusCode !== 200) throw new Error(`token exchange failed: ${tok.body}`);
  return tok.json() as { access_token: string; patient: string };
}
