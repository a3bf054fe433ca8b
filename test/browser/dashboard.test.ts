/**
 * The dashboard in Debian's Chromium, driven by playwright-core: sign in, see the
 * chart, open a claim down to its adjustment codes; a provider sees only its claims; the
 * payer and the provider see the same contract figures and terms; the payer runs attribution
 * and risk, adds a terms version and settles from the Run panel; both see the same settlement,
 * drill from a waterfall bar to members and the claims the run counted, and replay the run.
 */
import { buildApp, DEMO_PASSWORD, seedDemo, silentLogger, type Deps } from '@tandem/server';
import { DEFAULT_WEB_DIR } from '@tandem/server/runtime';
import { createTestStore } from '@tandem/store/testing';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
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
    await seedDemo(deps, { members: 120, seed: 3, year: 2026, quality: false });
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

  /** Signs in and opens the Contracts page of the provider1 contract; returns the figures shown. */
  async function contractFigures(page: Page, username: string, contractName: string | null) {
    await page.goto(url);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('claims-chart').waitFor();
    await page.getByTestId('nav-contracts').click();
    await page.getByTestId('contract-overview').waitFor();
    if (contractName) {
      await page.getByTestId('contract-select').selectOption({ label: contractName });
      await expect.poll(async () => page.getByTestId('contract-select').evaluate((e) => (e as unknown as { selectedOptions: ArrayLike<{ text: string }> }).selectedOptions[0]!.text)).toBe(contractName);
      await page.getByTestId('contract-overview').waitFor();
    }
    await page.getByTestId('roster-row').first().waitFor();
    const text = async (id: string) => (await page.getByTestId(id).textContent())!.trim();
    return {
      contract: await page.getByTestId('contract-select').evaluate((e) => (e as unknown as { selectedOptions: ArrayLike<{ text: string }> }).selectedOptions[0]!.text),
      members: await text('stat-members'), memberMonths: await text('stat-member-months'), pmpm: await text('stat-pmpm'), benchmark: await text('stat-benchmark-pmpm'),
      risk: await text('stat-risk'), recapture: await text('stat-recapture'), roster: await page.getByTestId('roster').textContent(), recaptureList: await page.getByTestId('recapture').textContent(),
    };
  }

  it('shows the payer and the provider the same contract figures, terms and settlement — the payer running attribution, risk and settlement from the dashboard — drilling from a bar to members and claims', async () => {
    const provider = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const asProvider = await contractFigures(provider, 'provider1.billing', null);
    expect(Number(asProvider.members.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(asProvider.pmpm).toMatch(/^\$[\d,]+\.\d\d$/);
    // Providers read the terms but run nothing and add no terms version.
    expect(await provider.getByTestId('run-panel').count()).toBe(0);
    expect(await provider.getByTestId('terms-add').count()).toBe(0);
    expect(await provider.getByTestId('terms-json').textContent()).toContain('"type": "shared-savings"');

    const payer = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const asPayer = await contractFigures(payer, 'payer.admin', asProvider.contract);
    expect(asPayer).toEqual(asProvider);
    expect(await payer.getByTestId('terms-json').textContent()).toBe(await provider.getByTestId('terms-json').textContent());
    await payer.screenshot({ path: '/tmp/tandem-contract.png', fullPage: true });

    // The payer re-runs attribution for the year from the Run panel: the same claims, nothing new; the page shows the new run.
    await payer.getByTestId('run-attribution').click();
    await expect.poll(() => payer.getByTestId('run-result').textContent()).toMatch(/Attribution run attr-\d+ \(retrospective, 2026-01-01 … 2026-12-31\).*\+0 new, ~0 changed, −0 dropped/);
    const runId = /attr-\d+/.exec((await payer.getByTestId('run-result').textContent())!)![0];
    await expect.poll(() => payer.getByTestId('contract-overview').textContent()).toContain(`attribution run ${runId}`);
    expect(await payer.getByTestId('stat-members').textContent()).toBe(await payer.getByTestId('run-result-members').textContent());
    await payer.getByTestId('run-risk').click();
    await expect.poll(() => payer.getByTestId('run-result').textContent()).toMatch(/Risk run risk-2027-\d+: payment year 2027/);

    // A terms version with an impossible date is refused, naming the field; a good one is listed.
    await payer.getByTestId('terms-add').click();
    await payer.getByTestId('terms-effective').fill('2027-02-30');
    await payer.getByTestId('terms-save').click();
    await expect.poll(() => payer.getByTestId('terms-error').textContent()).toMatch(/effective must be a date YYYY-MM-DD/);
    await payer.getByTestId('terms-effective').fill('2027-01-01');
    await payer.getByTestId('terms-save').click();
    await expect.poll(() => payer.getByTestId('terms-version').count()).toBe(2);

    // The payer settles the year from the panel; the result links to the statement with its waterfall.
    const settledBefore = await payer.getByTestId('settlement-row').count();
    await payer.getByTestId('settle').click();
    await payer.getByTestId('run-result-statement').waitFor();
    await expect.poll(() => payer.getByTestId('settlement-row').count()).toBe(settledBefore + 1);
    const panelPayment = await payer.getByTestId('run-result-payment').textContent();
    await payer.getByTestId('run-result-statement').click();
    await payer.getByTestId('settlement').waitFor();
    expect(await payer.getByTestId('settlement-payment').textContent()).toBe(panelPayment);
    const settlementUrl = payer.url();
    const payment = await payer.getByTestId('settlement-payment').textContent();
    expect(await payer.getByTestId('waterfall-bar').count()).toBeGreaterThanOrEqual(4);
    await payer.locator('[data-testid="waterfall-bar"][data-step="expenditure"]').click();
    await payer.getByTestId('drill-member').first().waitFor();
    // The expenditure bar's members add up to the bar.
    expect(await payer.getByTestId('drill-total').textContent()).toBe(await payer.getByTestId('step-expenditure').textContent());
    await payer.screenshot({ path: '/tmp/tandem-settlement.png', fullPage: true });

    // The provider opens the same statement and sees the same numbers.
    await provider.goto(settlementUrl);
    await provider.getByTestId('settlement').waitFor();
    expect(await provider.getByTestId('settlement-payment').textContent()).toBe(payment);
    expect(await provider.getByTestId('waterfall-table').textContent()).toBe(await payer.getByTestId('waterfall-table').textContent());

    // From a member of the bar to the claims behind the member's expenditure.
    await provider.locator('[data-testid="waterfall-bar"][data-step="expenditure"]').click();
    const first = provider.getByTestId('drill-member').first();
    const memberSpend = (await first.locator('td').nth(1).textContent())!;
    // The claims the run counted for the member (its frozen claim set), and the replay of the run from its snapshot.
    await first.getByTestId('drill-claims-toggle').click();
    // Both load after the click ("Loading…" first): polled, not read once.
    await expect.poll(() => provider.getByTestId('drill-claims').first().textContent()).toMatch(/counted \$[\d,]+\.\d\d/);
    await provider.getByTestId('verify').click();
    await expect.poll(() => provider.getByTestId('verify-result').textContent()).toMatch(/^identical \(sha256 [0-9a-f]{12}…\)$/);
    await first.locator('a').click();
    await provider.getByTestId('contract-member').waitFor();
    expect(await provider.getByTestId('member-paid').textContent()).toBe(memberSpend);
    expect(await provider.getByTestId('member-claim').count()).toBeGreaterThan(0);
    expect(await provider.getByTestId('attribution-reason').textContent()).toMatch(/plurality|designated/);
    await provider.screenshot({ path: '/tmp/tandem-contract-member.png', fullPage: true });
    await provider.close();
    await payer.close();
  }, 120_000);
});
