/**
 * `tandem generate`: writes a deterministic synthetic population into the store —
 * registry in one transaction, members in chunks — and, when asked, the year's claims
 * as 837P/837I files the way providers would submit them. Memory stays bounded: members
 * and claims are produced and written chunk by chunk, never held whole.
 */
import {
  generateClaimsForMember,
  generateMembers,
  generateRegistry,
  type ClaimInput,
  type GeneratorOptions,
  type Organization,
  type RegistryData,
} from '@tandem/core';
import {
  insertContracts,
  insertFeeSchedule,
  insertMembers,
  insertOrganizations,
  insertPlans,
  insertPractitioners,
  isEmpty,
  type Db,
} from '@tandem/store';
import { write837 } from '@tandem/x12';
import type { Deps } from '../deps.ts';
import { claim837From } from '../exchange/claim-to-837.ts';

export async function loadRegistry(db: Db, registry: RegistryData): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await insertOrganizations(trx, [registry.payer, ...registry.providers]);
    for (const fs of registry.feeSchedules.filter((f) => f.id === 'fs-base')) await insertFeeSchedule(trx, fs, fs.versions);
    for (const fs of registry.feeSchedules.filter((f) => f.id !== 'fs-base')) await insertFeeSchedule(trx, fs, fs.versions);
    await insertPlans(trx, registry.plans, registry.benefitDesigns);
    await insertPractitioners(trx, registry.practitioners);
    await insertContracts(trx, registry.contracts);
  });
}

export interface PopulationProgress {
  readonly phase: 'registry' | 'members' | 'claims';
  readonly done: number;
  readonly total: number;
}

export async function loadPopulation(deps: Deps, opts: GeneratorOptions, onProgress?: (p: PopulationProgress) => void): Promise<RegistryData> {
  if (!(await isEmpty(deps.store.db))) throw new Error('the database already holds a registry; generate into an empty database (a new TANDEM_DATA directory or PostgreSQL database)');
  const registry = generateRegistry(opts);
  await loadRegistry(deps.store.db, registry);
  onProgress?.({ phase: 'registry', done: 1, total: 1 });
  let done = 0;
  for (const chunk of generateMembers(opts, registry, 5_000)) {
    await deps.store.db.transaction().execute((trx) => insertMembers(trx, chunk.members, chunk.coverages));
    done += chunk.members.length;
    onProgress?.({ phase: 'members', done, total: opts.members });
  }
  return registry;
}

export interface ClaimFile {
  readonly kind: 'professional' | 'institutional';
  readonly text: string;
  readonly claims: number;
}

/**
 * The population's claims as 837 interchanges of at most `claimsPerFile` claims each,
 * professional and institutional apart (837P and 837I are different guides). `claimOpts`
 * (seed, year) generates another year of claims for the same members.
 */
export function* claimFiles(opts: GeneratorOptions, registry: RegistryData, claimsPerFile = 5_000, firstControlNumber = 1, claimOpts: GeneratorOptions = opts): Generator<ClaimFile> {
  const providers = new Map<string, Organization>(registry.providers.filter((p) => p.npi).map((p) => [p.npi!, p]));
  const pending = { professional: [] as ReturnType<typeof claim837From>[], institutional: [] as ReturnType<typeof claim837From>[] };
  let control = firstControlNumber;
  const flush = (kind: 'professional' | 'institutional'): ClaimFile => {
    const claims = pending[kind];
    pending[kind] = [];
    const text = write837(claims, { kind, senderId: 'TANDEMGEN', receiverId: registry.payer.payerCode ?? 'TANDEM', interchangeControlNumber: control++, date: new Date(Date.UTC(claimOpts.year + 1, 0, 15)) });
    return { kind, text, claims: claims.length };
  };
  for (const chunk of generateMembers(opts, registry, 2_000)) {
    const coverageOf = new Map(chunk.coverages.map((c) => [c.memberKey, c]));
    for (const member of chunk.members) {
      const coverage = coverageOf.get(member.key);
      if (!coverage) continue;
      for (const claim of generateClaimsForMember(claimOpts, registry, member, coverage) as ClaimInput[]) {
        pending[claim.kind].push(claim837From(claim, { payer: registry.payer, provider: claim.billingNpi ? (providers.get(claim.billingNpi) ?? null) : null, member }));
        if (pending[claim.kind].length >= claimsPerFile) yield flush(claim.kind);
      }
    }
  }
  for (const kind of ['professional', 'institutional'] as const) if (pending[kind].length) yield flush(kind);
}
