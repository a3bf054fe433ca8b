/**
 * oidc-provider's storage adapter on the Tandem database (PostgreSQL or PGlite through
 * Kysely), so grants, codes, tokens and sessions survive restarts and are shared by every
 * server on the same database. Clients come from `smart_client`, which a payer
 * administrator fills; the library never registers clients by itself.
 * https://github.com/panva/node-oidc-provider/blob/main/docs/README.md#adapter
 */
import {
  consumeOidcModel, destroyOidcModel, findOidcModel, findOidcModelByUid, findOidcModelByUserCode, findSmartClientMetadata, revokeOidcModelByGrant, upsertOidcModel, type Db,
} from '@tandem/store';
import type { Adapter, AdapterPayload } from 'oidc-provider';

export function databaseAdapter(db: Db): new (name: string) => Adapter {
  return class DatabaseAdapter implements Adapter {
    readonly name: string;
    constructor(name: string) {
      this.name = name;
    }
    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (this.name === 'Client') throw new Error('clients are registered by a payer administrator, not through the adapter');
      await upsertOidcModel(db, this.name, id, {
        payload: payload as Record<string, unknown>, grantId: payload.grantId ?? null, uid: payload.uid ?? null, userCode: payload.userCode ?? null,
        expiresAt: expiresIn ? new Date(Date.now() + expiresIn * 1000) : null,
      });
    }
    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.name === 'Client') return (await findSmartClientMetadata(db, id)) as AdapterPayload | undefined;
      return (await findOidcModel(db, this.name, id)) as AdapterPayload | undefined;
    }
    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return (await findOidcModelByUid(db, this.name, uid)) as AdapterPayload | undefined;
    }
    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return (await findOidcModelByUserCode(db, this.name, userCode)) as AdapterPayload | undefined;
    }
    async consume(id: string): Promise<void> {
      await consumeOidcModel(db, this.name, id);
    }
    async destroy(id: string): Promise<void> {
      await destroyOidcModel(db, this.name, id);
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      await revokeOidcModelByGrant(db, this.name, grantId);
    }
  };
}
