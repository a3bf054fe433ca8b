/**
 * The dashboard in Debian's Chromium, driven by playwright-core: sign in, see the
 * chart, open a claim down to its adjustment codes; a provider sees only its claims.
 */
import { buildApp, DEMO_PASSWORD, seedDemo, silentLogger, type Deps } from '@tandem/server';
import { DEFAULT_WEB_DIR } from '@tandem/server/runtime';
import { createTestStore } from '@tandem/store/testing';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';

describe('dashboard in Chromium', () => {
  let browser: Browser;
  let url: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
    if (!existsSync(`${DEFAULT_WEB_DIR}/index.html`)) throw new Error('the dashboard is not built: npm run build:web (npm test does this)');
    const store = await createTestStore();
    const deps: Deps = { store, clock: () => new Date('2027-01-20T12:00:00Z'), log: silentLogger };
    await seedDemo(deps, { members: 120, seed: 3, year: 2026 });
    const { app } = await buildApp(deps, { webDir: DEFAULT_WEB_DIR });
    url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('0.0.0.0', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    close = async () => {
      await browser.close();
      await app.close();
      await store.dispose();
    };
  }, 240_000);
  afterAll(async () => close?.());

  it('signs in as the payer, shows the chart and opens a claim down to its adjustment codes', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await page.getByTestId('login-username').fill('payer.admin');
    await page.getByTestId('login-password').fill('wrong');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/wrong password|unknown/i);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('claims-chart').waitFor();
    expect(await page.getByTestId('current-org').textContent()).toContain('Tandem Health Plan');
    expect(await page.locator('[data-testid="claims-chart"] rect').count()).toBeGreaterThan(3);
    expect(await page.getByTestId('totals-paid').textContent()).toMatch(/\$[\d,]+\.\d\d/);
    await page.getByTestId('claim-row').first().waitFor();
    await page.screenshot({ path: '/tmp/tandem-dashboard.png', fullPage: true });
    await page.getByTestId('claim-row').first().click();
    await page.getByTestId('claim-detail').waitFor();
    expect(await page.getByTestId('claim-line').count()).toBeGreaterThan(0);
    const codes = await page.getByTestId('adjustment').allTextContents();
    expect(codes.join(' ')).toMatch(/(CO|PR|OA)-\d+/);
    await page.screenshot({ path: '/tmp/tandem-claim.png', fullPage: true });
    await page.close();
  }, 60_000);

  it('shows a provider only its own claims', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByTestId('login-username').fill('provider1.billing');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('claims-chart').waitFor();
    const org = (await page.getByTestId('current-org').textContent()) ?? '';
    expect(org).toMatch(/Provider view/i);
    await page.getByTestId('claim-row').first().waitFor();
    const token = String(await page.evaluate("sessionStorage.getItem('tandem.token')"));
    const res = await fetch(`${url}/api/claims?limit=500`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { items: Array<{ providerName: string }> };
    const names = new Set(body.items.map((i) => i.providerName));
    expect(names.size).toBe(1);
    expect(org).toContain([...names][0]!);
    await page.close();
  }, 60_000);
});
