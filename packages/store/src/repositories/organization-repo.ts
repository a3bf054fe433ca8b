/** Organizations as a directory: who they are and how many claims name them as provider. */
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';

export interface OrganizationListing {
  readonly id: string;
  readonly kind: 'payer' | 'provider';
  readonly name: string;
  readonly npi: string | null;
  readonly providerType: string | null;
  /** Claims (duplicates excluded) whose provider organization this is. */
  readonly claims: number;
  /** Contracts the organization is a party to (as payer or provider). */
  readonly contracts: number;
  /** Members assigned to it by the latest attribution run of each payer. */
  readonly attributed: number;
}

/** Organizations, those with the most attributed members first, then the most claims, then by id; counts only (no member data, so no audit record). */
export async function listOrganizations(db: Db, f: { kind?: 'payer' | 'provider' | undefined; limit?: number | undefined } = {}): Promise<OrganizationListing[]> {
  const rows = await sql<{ id: string; kind: 'payer' | 'provider'; name: string; npi: string | null; provider_type: string | null; claims: string; contracts: string; attributed: string }>`
    with latest as (select distinct on (payer_org_id) id from attribution_run order by payer_org_id, created_at desc, id desc)
    select o.id, o.kind, o.name, o.npi, o.provider_type,
      (select count(*) from attribution a where a.org_id = o.id and a.run_id in (select id from latest)) as attributed,
      (select count(*) from claim c where c.provider_org_id = o.id and c.status <> 'duplicate') as claims,
      (select count(*) from contract k where k.provider_org_id = o.id or k.payer_org_id = o.id) as contracts
    from organization o
    where ${f.kind ?? null}::text is null or o.kind = ${f.kind ?? null}::text
    order by attributed desc, claims desc, o.id
    limit ${f.limit ?? 1_000_000}`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, kind: r.kind, name: r.name, npi: r.npi, providerType: r.provider_type, claims: Number(r.claims), contracts: Number(r.contracts), attributed: Number(r.attributed) }));
}
