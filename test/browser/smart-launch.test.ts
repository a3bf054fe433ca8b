/**
 * A member's app completes a SMART App Launch 2.0 standalone patient launch against
 * Tandem's authorization server with the official SMART JavaScript client (`fhirclient`,
 * its browser build), in Debian's Chromium: discovery, authorization code with PKCE, the
 * member's sign-in and consent, the token exchange, then the member's EOBs from /fhir —
 * and nothing of another member.
 */
import { buildApp, DEMO_PASSWORD, seedDemo, silentLogger, type Deps } from '@tandem/server';
import { DEFAULT_WEB_DIR } from '@tandem/server/runtime';
import { createTestStore } from '@tandem/store/testing';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const APP_FILES: Record<string, string> = {
  '/launch.html': fileURLToPath(new URL('./smart-app/launch.html', import.meta.url)),
  '/app.html': fileURLToPath(new URL('./smart-app/app.html', import.meta.url)),
  '/fhir-client.js': fileURLToPath(new URL('../../node_modules/fhirclient/build/fhir-client.js', import.meta.url)),
};

/** A free TCP port on the loopback interface (the issuer URL must be known before the server is built). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

describe('SMART standalone launch with fhirclient in Chromium', () => {
  let browser: Browser;
  let tandem: string;
  let appOrigin: string;
  let appServer: Server;
  let member: { key: string; name: string; claims: number };
  let other: string;
  let clientId: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
    if (!existsSync(`${DEFAULT_WEB_DIR}/index.html`)) throw new Error('the dashboard is not built: npm run build:web (npm test does this)');
    const store = await createTestStore();
    const deps: Deps = { store, clock: () => new Date('2027-01-20T12:00:00Z'), log: silentLogger };
    await seedDemo(deps, { members: 12, seed: 5, year: 2026, quality: false });
    const port = await freePort();
    tandem = `http://127.0.0.1:${port}`;
    const { app } = await buildApp(deps, { publicUrl: tandem, webDir: DEFAULT_WEB_DIR });
    await app.listen({ port, host: '127.0.0.1' });

    appServer = createServer((req, res) => {
      const file = APP_FILES[(req.url ?? '/').split('?')[0]!];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(readFileSync(file));
    });
    await new Promise<void>((r) => appServer.listen(0, '127.0.0.1', r));
    appOrigin = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;

    // The payer administrator registers the app and gives a member a sign-in.
    const admin = (await (await fetch(`${tandem}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'payer.admin', password: DEMO_PASSWORD }) })).json()) as { token: string };
    const h = { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' };
    const rows = await store.db.selectFrom('claim').innerJoin('member', 'member.key', 'claim.member_key').select(['member.key', 'member.first_name', 'member.last_name']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy(['member.key', 'member.first_name', 'member.last_name']).orderBy('n', 'desc').execute();
    member = { key: rows[0]!.key, name: `${rows[0]!.first_name} ${rows[0]!.last_name}`, claims: Number(rows[0]!.n) };
    other = rows[1]!.key;
    const reg = await fetch(`${tandem}/api/smart/clients`, { method: 'POST', headers: h, body: JSON.stringify({ kind: 'member-app', name: 'Claims Viewer', redirectUris: [`${appOrigin}/app.html`] }) });
    expect(reg.status).toBe(201);
    clientId = ((await reg.json()) as { clientId: string }).clientId;
    const login = await fetch(`${tandem}/api/smart/member-logins`, { method: 'POST', headers: h, body: JSON.stringify({ memberKey: member.key, username: 'member.one', password: 'a member password' }) });
    expect(login.status).toBe(201);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    close = async () => {
      await browser.close();
      await new Promise((r) => appServer.close(r));
      await app.close();
      await store.dispose();
    };
  }, 240_000);
  afterAll(async () => close?.());

  it("signs the member in, asks consent, and reads the member's EOBs — only theirs", async () => {
    const page = await browser.newPage();
    await page.goto(`${appOrigin}/launch.html?${new URLSearchParams({ iss: `${tandem}/fhir`, client_id: clientId, other })}`);
    await page.waitForURL(/\/smart\/interaction\//);
    expect(await page.textContent('body')).toContain('Claims Viewer');
    await page.fill('#username', 'member.one');
    await page.fill('#password', 'a member password');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Allow Claims Viewer to access your data?');
    expect(await page.textContent('body')).toContain(member.name);
    await page.screenshot({ path: '/tmp/tandem-smart-consent.png', fullPage: true });
    await page.click('button[value=allow]');
    await page.waitForURL(new RegExp(`^${appOrigin}/app\\.html`));
    // Browser-side expressions as strings: this file is type-checked without the DOM library.
    await page.waitForFunction("document.getElementById('status').dataset.patient !== undefined || document.getElementById('status').textContent.startsWith('failed')", undefined, { timeout: 30_000 });
    const status = (await page.evaluate("({ text: document.getElementById('status').textContent, ...document.getElementById('status').dataset })")) as Record<string, string>;
    expect(status.text).not.toMatch(/^failed/);
    expect(status).toMatchObject({ patient: member.key, name: member.name, refresh: 'true' });
    expect(status.other).toMatch(/^denied 404/);
    const patients = (await page.evaluate("[...document.querySelectorAll('[data-testid=eob]')].map((e) => e.dataset.patient)")) as string[];
    expect(patients.length).toBe(member.claims);
    expect(new Set(patients)).toEqual(new Set([`Patient/${member.key}`]));
    await page.screenshot({ path: '/tmp/tandem-smart-app.png', fullPage: true });
    await page.close();
  }, 120_000);

  it("shows the payer the member's connected app on the Members page, revokes it, and records an opt-out", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(tandem);
    await page.getByTestId('login-username').fill('payer.admin');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-members').click();
    await page.getByTestId('member-key').fill(member.key);
    await page.getByTestId('member-open').click();
    await page.getByTestId('connected-app').first().waitFor();
    expect(await page.getByTestId('connected-app').first().textContent()).toContain('Claims Viewer');
    // The page shows the calendar year of the server's clock (2027 here, while audit rows carry the real time).
    expect(await page.getByTestId('patient-access-metrics').textContent()).toMatch(/^Patient Access 2027: \d+ members' data went to apps/);
    const token = String(await page.evaluate("sessionStorage.getItem('tandem.token')"));
    const usage = (await (await fetch(`${tandem}/api/smart/metrics?from=2000-01-01&to=2100-01-01`, { headers: { authorization: `Bearer ${token}` } })).json()) as { uniqueMembers: number; membersMoreThanOnce: number };
    expect(usage).toMatchObject({ uniqueMembers: 1, membersMoreThanOnce: 1 });
    await page.screenshot({ path: '/tmp/tandem-member-access.png', fullPage: true });
    await page.getByTestId('revoke-app').first().click();
    await page.getByTestId('no-apps').waitFor();
    // The box follows the saved state: it turns on once the server has recorded the choice.
    await page.getByTestId('opt-out-provider-access').click();
    await expect.poll(() => page.getByTestId('opt-out-provider-access').isChecked()).toBe(true);
    await expect.poll(async () => (await (await fetch(`${tandem}/api/members/${member.key}/access-choices`, { headers: { authorization: `Bearer ${token}` } })).json()) as { providerAccessOptOut: boolean }).toMatchObject({ providerAccessOptOut: true });
    await page.close();
  }, 120_000);
});
