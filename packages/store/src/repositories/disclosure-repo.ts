/**
 * A member's disclosure log, read from the audit trail: who outside the health plan received
 * the member's data (the member's apps, providers, other plans), when, what and for which
 * purpose. The plan's own staff using the data for payment and operations is not a disclosure
 * (45 CFR 164.528(a)(1)(i) leaves treatment, payment and operations out of an accounting); the
 * member's own look at their page is not one either.
 */
import type { AccessApi } from '@tandem/core';
import { sql } from 'kysely';
import type { Db } from '../open-database.ts';

export interface Disclosure {
  readonly at: string;
  /** Who received the data: a member-authorized app, a provider organization or another health plan. */
  readonly recipient: { readonly kind: 'app' | 'provider' | 'payer'; readonly name: string; readonly actor: string };
  readonly action: string;
  readonly resourceType: string;
  /** The access API it went through, or else the purpose of use (treatment, payment, …). */
  readonly purpose: string;
}

const APP_ACTOR = / via app:(.*)$/;

export async function memberDisclosures(db: Db, memberKey: string, payerOrgId: string, limit = 200): Promise<Disclosure[]> {
  const r = await sql<{ at: string | Date; actor: string; org_name: string | null; org_kind: string | null; org_id: string | null; action: string; resource_type: string; purpose_of_use: string; purpose: string | null; app_name: string | null }>`
    select e.at, e.actor, e.org_id, o.name as org_name, o.kind as org_kind, e.action, e.resource_type, e.purpose as purpose_of_use,
      e.detail->>'purpose' as purpose, c.name as app_name
    from audit_event e
    left join organization o on o.id = e.org_id
    left join smart_client c on c.client_id = substring(e.actor from ' via app:(.*)$')
    where e.member_keys @> ${JSON.stringify([memberKey])}::jsonb
      and e.outcome = 'success' and e.action in ('read', 'search', 'export')
      and (e.org_id is distinct from ${payerOrgId} or e.actor like 'member:% via app:%' or e.detail->>'purpose' in ('provider-access', 'payer-to-payer'))
    order by e.id desc
    limit ${limit}`.execute(db);
  return r.rows.map((row) => {
    const app = APP_ACTOR.exec(row.actor);
    const kind: Disclosure['recipient']['kind'] = app ? 'app' : row.org_kind === 'provider' ? 'provider' : 'payer';
    // Records written before detail.purpose existed: the recipient says which API it was.
    const fallback: AccessApi | string = kind === 'app' ? 'patient-access' : kind === 'payer' ? 'payer-to-payer' : row.purpose_of_use;
    const purpose = row.purpose ?? fallback;
    return {
      at: new Date(row.at).toISOString(),
      recipient: { kind, name: app ? (row.app_name ?? app[1]!) : (row.org_name ?? row.org_id ?? row.actor), actor: row.actor },
      action: row.action, resourceType: row.resource_type, purpose,
    };
  });
}
