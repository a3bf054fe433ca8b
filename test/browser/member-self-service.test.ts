/**
 * Member self-service in Debian's Chromium: a member signs in to the dashboard with the
 * sign-in their plan gave them, opts out of Provider Access and sees the choice stick after a
 * reload, and sees that their provider received their data (from the audit trail).
 */
import { aClaim, aLine, MEMBER, PAYER, PROVIDER } from '@tandem/core/testing';
import { DEFAULT_WEB_DIR } from '@tandem/server/runtime';
import { claim837From, createTestApp, type TestApp } from '@tandem/server/testing';
import { write837 } from '@tandem/x12';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';

describe('member self-service in Chromium', () => {
  let browser: Browser;
  let t: TestApp;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
    if (!existsSync(`${DEFAULT_WEB_DIR}/index.html`)) throw new Error('the dashboard is not built: npm run build:web (npm test does this)');
    t = await createTestApp({ appOptions: { webDir: DEFAULT_WEB_DIR } });
    const admin = await t.login('payer.admin');
    const riverside = await t.login('riverside.billing');
    const x12 = write837([claim837From(aClaim({ patientControlNumber: 'BROWSER-1', memberId: MEMBER.memberId, lines: [aLine()] }), { payer: PAYER, provider: PROVIDER, member: MEMBER })], { kind: 'professional', senderId: 'RIVERSIDE', receiverId: 'TANDEM', interchangeControlNumber: 5, date: new Date('2026-06-01T10:00:00Z') });
    expect((await t.app.inject({ method: 'POST', url: '/x12', headers: { authorization: `Bearer ${riverside}`, 'content-type': 'application/edi-x12' }, payload: x12 })).headers['x-tandem-accepted']).toBe('true');
    // The provider reads the member through Provider Access: a disclosure the member will see.
    expect((await t.app.inject({ url: `/fhir/Patient/${MEMBER.key}`, headers: { authorization: `Bearer ${riverside}` } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/smart/member-logins', headers: { authorization: `Bearer ${admin}` }, payload: { memberKey: MEMBER.key, username: 'ada.member', password: 'a member password' } })).statusCode).toBe(201);
    url = (await t.app.listen({ port: 0, host: '127.0.0.1' })).replace('0.0.0.0', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs the member in, records their opt-out, keeps it across a reload, and shows who received their data', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await page.getByTestId('login-as-member').check();
    await page.getByTestId('login-username').fill('ada.member');
    await page.getByTestId('login-password').fill('a member password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('member-choices').waitFor();
    expect(await page.getByTestId('current-org').textContent()).toContain(PAYER.name);
    // Staff navigation is not there for a member.
    expect(await page.getByTestId('nav-claims').count()).toBe(0);
    expect(await page.getByTestId('me-opt-out-provider-access').isChecked()).toBe(false);
    await page.getByTestId('me-opt-out-provider-access').click();
    await expect.poll(() => page.getByTestId('me-opt-out-provider-access').isChecked()).toBe(true);
    await page.reload();
    await page.getByTestId('member-choices').waitFor();
    await expect.poll(() => page.getByTestId('me-opt-out-provider-access').isChecked()).toBe(true);
    expect(await page.getByTestId('me-choices-updated').textContent()).toMatch(/^Last changed/);
    const row = await t.deps.store.db.selectFrom('member_access_choice').select(['provider_access_opt_out', 'recorded_by']).where('member_key', '=', MEMBER.key).executeTakeFirstOrThrow();
    expect(row).toEqual({ provider_access_opt_out: true, recorded_by: `member:${MEMBER.key}` });
    const disclosure = page.getByTestId('me-disclosure').filter({ hasText: PROVIDER.name }).first();
    await disclosure.waitFor();
    expect(await disclosure.textContent()).toContain('Provider Access');
    await page.screenshot({ path: '/tmp/tandem-member-self-service.png', fullPage: true });
    await page.close();
  }, 120_000);
});
