/**
 * Prior authorization in Chromium, both sides: a provider learns from the form what a service
 * needs, submits a request that pends, the payer's reviewer finds it in the queue by due time
 * and denies it with a reason, and the provider sees the decision and the reason; a request
 * that meets the criteria is approved at once. The metrics chart reflects both.
 */
import { buildApp, DEMO_PASSWORD, seedDemo, silentLogger, type Deps } from '@tandem/server';
import { DEFAULT_WEB_DIR } from '@tandem/server/runtime';
import { createTestStore } from '@tandem/store/testing';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';

describe('prior authorization in Chromium', () => {
  let browser: Browser;
  let url: string;
  let memberId: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
    if (!existsSync(`${DEFAULT_WEB_DIR}/index.html`)) throw new Error('the dashboard is not built: npm run build:web (npm test does this)');
    const store = await createTestStore();
    const deps: Deps = { store, clock: () => new Date('2026-06-30T12:00:00Z'), log: silentLogger };
    await seedDemo(deps, { members: 40, seed: 5, year: 2026, quality: false });
    // A member of the plan covered on the service date.
    memberId = (await store.db.selectFrom('member').innerJoin('coverage', 'coverage.member_key', 'member.key').select('member.member_id')
      .where('coverage.effective_from', '<=', '2026-07-15').where((eb) => eb.or([eb('coverage.effective_to', 'is', null), eb('coverage.effective_to', '>=', '2026-07-15')]))
      .orderBy('member.member_id').limit(1).executeTakeFirstOrThrow()).member_id;
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

  async function signIn(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(url);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-prior-auth').click();
    await page.getByTestId('prior-auth-table').waitFor();
    return page;
  }

  async function submit(page: Page, code: string, extra: (p: Page) => Promise<void> = async () => {}) {
    await page.getByTestId('pa-member').fill(memberId);
    await page.getByTestId('pa-code').fill(code);
    await page.getByTestId('pa-date').fill('2026-07-15');
    await extra(page);
    await page.getByTestId('pa-submit').click();
    await page.getByTestId('prior-auth-detail').waitFor();
  }

  it('submits as a provider, decides as the reviewer, and shows the decision on the provider side', async () => {
    const provider = await signIn('provider1.billing');
    // What the service needs, before submitting (from the public rules).
    await provider.getByTestId('pa-code').fill('27447');
    // The public rules load asynchronously after sign-in; wait for them rather than read once.
    await expect.poll(() => provider.getByTestId('pa-requirements').textContent()).toContain('Weight-bearing X-rays of the knee');
    await submit(provider, '27447');
    expect(await provider.getByTestId('pa-detail-status').textContent()).toBe('pended');
    expect(await provider.getByTestId('pa-due').textContent()).toBe('2026-07-07 12:00');
    const id = (await provider.locator('[data-testid="prior-auth-detail"] h2').textContent())!.split(' ')[0]!;

    const reviewer = await signIn('payer.reviewer');
    const row = reviewer.getByTestId('prior-auth-row').filter({ hasText: id });
    await row.waitFor();
    expect(await row.getByTestId('clock').textContent()).toBe('in 7 d 0 h');
    await row.click();
    await reviewer.getByTestId('pa-decision').selectOption('denied');
    await reviewer.getByTestId('pa-decision-reason').fill('short');
    await reviewer.getByTestId('pa-record-decision').click();
    await expect.poll(() => reviewer.getByRole('alert').textContent()).toContain('a denial needs a specific reason');
    await reviewer.getByTestId('pa-decision-reason').fill('Radiographs do not show the joint-space narrowing the policy requires.');
    await reviewer.getByTestId('pa-record-decision').click();
    await expect.poll(() => reviewer.getByTestId('pa-detail-status').textContent()).toBe('denied');
    await reviewer.screenshot({ path: '/tmp/tandem-prior-auth-review.png', fullPage: true });

    await provider.getByTestId('nav-prior-auth').click();
    const mine = provider.getByTestId('prior-auth-row').filter({ hasText: id });
    await mine.waitFor();
    expect(await mine.getByTestId('pa-status').textContent()).toBe('denied');
    expect(await mine.getByTestId('pa-reason').textContent()).toBe('Radiographs do not show the joint-space narrowing the policy requires.');
    // The provider appeals; the request is back in review on the 30-day reconsideration clock.
    await mine.click();
    await provider.getByTestId('pa-appeal-reason').fill('New weight-bearing films attached showing bone-on-bone contact.');
    await provider.getByTestId('pa-appeal').click();
    await expect.poll(() => provider.getByTestId('pa-detail-status').textContent()).toBe('pended');
    expect(await provider.getByTestId('pa-due').textContent()).toBe('2026-07-30 12:00');
    await provider.close();
    await reviewer.close();
  }, 90_000);

  it('approves at once when the criteria hold, and the metrics chart counts both decisions', async () => {
    const provider = await signIn('provider1.billing');
    await submit(provider, '72148', async (p) => {
      await p.getByTestId('pa-dx').fill('M54.16');
      await p.getByLabel('Weeks of conservative therapy').fill('8');
    });
    expect(await provider.getByTestId('pa-detail-status').textContent()).toBe('approved');
    expect(await provider.getByTestId('pa-item-reason').textContent()).toBe('meets the automatic approval criteria of rule mri-lumbar-spine');
    await provider.getByTestId('nav-prior-auth').click();
    await provider.getByTestId('prior-auth-metrics-chart').waitFor();
    // The demo seed decided one request (approved) at its own clock; this run adds an approval and a denial.
    expect(await provider.locator('[data-testid="prior-auth-metrics-chart"] rect title').first().textContent()).toMatch(/^\d+(\.\d)? % of [3-9] standard requests approved$/);
    await provider.screenshot({ path: '/tmp/tandem-prior-auth-provider.png', fullPage: true });
    await provider.close();
  }, 60_000);
});
