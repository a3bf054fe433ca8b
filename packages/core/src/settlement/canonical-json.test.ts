import { describe, expect, it } from 'vitest';
import { canonicalJson, firstJsonDifference } from './canonical-json.ts';

describe('canonical JSON (RFC 8785 key order)', () => {
  it('sorts keys by code unit at every level, whatever the insertion order (as jsonb returns them)', () => {
    const a = { b: 1, a: [{ z: 'x', y: null }], 'm-10': 2, 'm-9': 3, Z: true };
    const b = { Z: true, 'm-9': 3, 'm-10': 2, a: [{ y: null, z: 'x' }], b: 1 };
    expect(canonicalJson(a)).toBe('{"Z":true,"a":[{"y":null,"z":"x"}],"b":1,"m-10":2,"m-9":3}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
  });

  it('names the first difference with its path, in canonical order', () => {
    const stored = { outputs: { paymentCents: 100, waterfall: [{ step: 'a', amountCents: 1 }, { step: 'b', amountCents: 2 }] }, inputs: { claims: { 'm-1': [['c1', 500]] } } };
    expect(firstJsonDifference(stored, structuredClone(stored))).toBeNull();
    const replayed = structuredClone(stored);
    replayed.inputs.claims['m-1']![0]![1] = 501;
    replayed.outputs.paymentCents = 99;
    // "inputs" sorts before "outputs".
    expect(firstJsonDifference(stored, replayed)).toEqual({ path: 'inputs.claims["m-1"][0][1]', stored: '500', replayed: '501' });
    replayed.inputs.claims['m-1']![0]![1] = 500;
    expect(firstJsonDifference(stored, replayed)).toEqual({ path: 'outputs.paymentCents', stored: '100', replayed: '99' });
    expect(firstJsonDifference({ a: 1 }, { a: 1, b: [1] })).toEqual({ path: 'b', stored: '(absent)', replayed: '[1]' });
    expect(firstJsonDifference([1, 2], [1])).toEqual({ path: '[1]', stored: '2', replayed: '(absent)' });
  });
});
