import { describe, expect, it } from 'vitest';
import { answeringPayer, parseSmartScope, smartScopeAllows, type AccessContext } from './index.ts';

describe('SMART scopes', () => {
  it('reads v2 letters and v1 words, and v1 write grants no read', () => {
    expect(parseSmartScope('system/Group.rus')).toEqual({ context: 'system', type: 'Group', read: true, search: true, update: true });
    expect(parseSmartScope('system/Group.u')).toEqual({ context: 'system', type: 'Group', read: false, search: false, update: true });
    expect(parseSmartScope('patient/*.rs')).toEqual({ context: 'patient', type: '*', read: true, search: true, update: false });
    expect(parseSmartScope('user/Patient.read')).toEqual({ context: 'user', type: 'Patient', read: true, search: true, update: false });
    expect(parseSmartScope('system/Group.write')).toEqual({ context: 'system', type: 'Group', read: false, search: false, update: true });
    expect(parseSmartScope('system/Group.*')).toEqual({ context: 'system', type: 'Group', read: true, search: true, update: true });
    expect(parseSmartScope('launch/patient')).toBeUndefined();
  });

  it('allows an update only with a scope that grants it, for that type or all', () => {
    expect(smartScopeAllows(['system/*.rs'], 'Group', 'update')).toBe(false);
    expect(smartScopeAllows(['system/Group.rs', 'system/Group.u'], 'Group', 'update')).toBe(true);
    expect(smartScopeAllows(['system/Patient.u'], 'Group', 'update')).toBe(false);
    expect(smartScopeAllows(['system/Group.write'], 'Group', 'read')).toBe(false);
    expect(smartScopeAllows(['system/*.cruds'], 'Group', 'update')).toBe(true);
  });
});

describe('answeringPayer', () => {
  const ctx: AccessContext = { actor: 'system:sys-1', orgId: 'org-new-payer', orgKind: 'payer', role: 'analyst', purpose: 'payment' };
  it("is the registrar of a backend system, else the caller's own organization", () => {
    expect(answeringPayer({ ...ctx, registrarOrgId: 'org-payer' })).toBe('org-payer');
    expect(answeringPayer(ctx)).toBe('org-new-payer');
  });
});
