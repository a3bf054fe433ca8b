/**
 * Demo data for `npm start`: a generated population whose claims go through the real
 * path (837 → 999 → adjudication → 835), plus demo sign-ins. The demo passwords are
 * public by design (README "Demo accounts"); they exist only in databases seeded here.
 */
import type { AccessContext, RegistryData } from '@tandem/core';
import { addContractTerms, findMemberLogin, insertUsers, listUsers, type UserRecord } from '@tandem/store';
import { hashPassword } from '../auth/passwords.ts';
import type { Deps } from '../deps.ts';
import { claimFiles, loadPopulation, type PopulationProgress } from './load-population.ts';
import { runAttribution } from './run-attribution.ts';
import { runRiskAdjustment } from './run-risk.ts';
import { runRemittance } from './run-remittance.ts';
import { seedQuality } from './seed-quality.ts';
import { settleContract } from './settle-contract.ts';
import { submitClaims } from './submit-claims.ts';
import { seedPriorAuthDemo } from './prior-auth/seed-prior-auth.ts';
import { setMemberLogin } from './set-member-login.ts';

/** The demo member's sign-in (member self-service and the SMART consent screen). */
export const DEMO_MEMBER_USERNAME = 'member.demo';

/**
 * Demo value-based terms: MSSP-like one-sided shared savings (ENHANCED-track-like rates are
 * two-sided; this is the BASIC level A shape), risk-adjusted, 90 days of run-out.
 */
export const DEMO_TERMS = {
  type: 'shared-savings', track: 'one-sided', sharingRateBps: 4000, minimumSavingsRate: 'variable', savingsCapBps: 1000, qualityGateBps: 3000,
  sequestrationBps: 200, benchmarkPmpmCents: 15_000, riskAdjust: true, truncationPercentileBps: 9900, runOutDays: 90, qualityBps: 8500,
} as const;

export const DEMO_PASSWORD = 'tandem-demo';

export interface DemoAccount {
  readonly username: string;
  readonly password: string;
  readonly org: string;
  readonly kind: 'payer' | 'provider' | 'member';
  readonly role: string;
}

export function systemContext(orgId: string): AccessContext {
  return { actor: 'system', orgId, orgKind: 'payer', role: 'system', purpose: 'operations' };
}

export async function createDemoUsers(deps: Deps, registry: RegistryData): Promise<void> {
  const hash = await hashPassword(DEMO_PASSWORD);
  const providers = registry.providers.filter((p) => registry.contracts.some((c) => c.providerOrgId === p.id)).slice(0, 2);
  const users: UserRecord[] = [
    { id: 'u-payer-admin', username: 'payer.admin', displayName: 'Pat Payer (claims director)', passwordHash: hash, orgId: registry.payer.id, role: 'admin' },
    { id: 'u-payer-analyst', username: 'payer.analyst', displayName: 'Avery Analyst', passwordHash: hash, orgId: registry.payer.id, role: 'analyst' },
    ...providers.map((p, i) => ({ id: `u-provider-${i + 1}`, username: `provider${i + 1}.billing`, displayName: `Billing office, ${p.name}`, passwordHash: hash, orgId: p.id, role: 'billing' })),
  ];
  await insertUsers(deps.store.db, users);
}

export async function demoAccounts(deps: Deps): Promise<DemoAccount[]> {
  const staff = (await listUsers(deps.store.db)).map((u): DemoAccount => ({ username: u.username, password: DEMO_PASSWORD, org: u.org_name, kind: u.org_kind, role: u.role }));
  const member = await findMemberLogin(deps.store.db, DEMO_MEMBER_USERNAME);
  return member ? [...staff, { username: member.username, password: DEMO_PASSWORD, org: `${member.first_name} ${member.last_name}, member`, kind: 'member', role: "tick 'I am a member'" }] : staff;
}

/**
 * Generates `members` members and their year of claims, submits the claims as 837
 * files, pays all but the last file's claims in one remittance run (so the dashboard
 * shows both remitted and pending claims), then attributes the members for the year, scores
 * risk from both years' diagnoses, gives every contract shared-savings terms and settles two
 * (so /fhir/Group, the contract pages, recapture and the waterfall have data).
 */
export async function seedDemo(deps: Deps, opts: { members: number; seed: number; year: number; /** Evaluate the quality measures (the slowest step; default true). */ quality?: boolean }, onProgress?: (p: PopulationProgress) => void): Promise<{ claims: number; files: number }> {
  const registry = await loadPopulation(deps, opts, onProgress);
  await createDemoUsers(deps, registry);
  const ctx = systemContext(registry.payer.id);
  // Last year's claims first (another seed: other diagnoses), so the recapture list has a year to compare with.
  const files = [...claimFiles(opts, registry, 2_500, 9_001, { ...opts, seed: opts.seed + 1, year: opts.year - 1 }), ...claimFiles(opts, registry, 2_500)];
  const total = files.reduce((s, f) => s + f.claims, 0);
  let done = 0;
  for (const [i, f] of files.entries()) {
    if (i === files.length - 1 && files.length > 1) await runRemittance(deps, ctx);
    const r = await submitClaims(deps, ctx, { text: f.text, channel: 'cli', fileName: `demo-${i + 1}.${f.kind === 'professional' ? '837p' : '837i'}` });
    if (!r.accepted) throw new Error(`demo file ${i + 1} was rejected: ${JSON.stringify(r.transactionSets.flatMap((s) => s.errors).slice(0, 3))}`);
    done += f.claims;
    onProgress?.({ phase: 'claims', done, total });
  }
  await runAttribution(deps, ctx, { year: opts.year });
  await runRiskAdjustment(deps, ctx, { paymentYear: opts.year });
  await runRiskAdjustment(deps, ctx, { paymentYear: opts.year + 1 });
  for (const c of registry.contracts) await addContractTerms(deps.store.db, c.id, `${opts.year}-01-01`, { ...DEMO_TERMS });
  for (const c of registry.contracts.slice(0, 2)) await settleContract(deps, ctx, { contractId: c.id, period: opts.year });
  await seedPriorAuthDemo(deps, registry.payer.id, opts.year, DEMO_PASSWORD);
  if (opts.quality !== false) await seedQuality(deps, registry.payer.id, opts.year);
  // A member who can sign in to their own page (and to SMART apps): the one with the most claims.
  const busiest = await deps.store.db.selectFrom('claim').select('member_key').where('member_key', 'is not', null).groupBy('member_key').orderBy((eb) => eb.fn.countAll(), 'desc').orderBy('member_key').executeTakeFirst();
  if (busiest?.member_key) await setMemberLogin(deps.store.db, ctx, { memberKey: busiest.member_key, username: DEMO_MEMBER_USERNAME, password: DEMO_PASSWORD });
  return { claims: total, files: files.length };
}
