import { describe, expect, it } from 'vitest';
import { createSignInLimiter, SIGN_IN_LIMITS, waitText } from './sign-in-limiter.ts';

describe('sign-in limiter', () => {
  const clock = () => {
    let t = Date.parse('2026-06-30T12:00:00Z');
    return { now: () => new Date(t), advance: (seconds: number) => (t += seconds * 1000) };
  };

  it('opens again when the window ends, and counts down the wait meanwhile', () => {
    const c = clock();
    const l = createSignInLimiter(c.now);
    for (let i = 0; i < 9; i++) l.failed('staff', 'ann', '10.0.0.1');
    expect(l.retryAfter('staff', 'ann', '10.0.0.1')).toBe(0);
    l.failed('staff', 'ann', '10.0.0.1');
    expect(l.retryAfter('staff', 'ann', '10.0.0.1')).toBe(900);
    c.advance(600);
    expect(l.retryAfter('staff', 'ann', '10.0.0.1')).toBe(300);
    c.advance(300);
    expect(l.retryAfter('staff', 'ann', '10.0.0.1')).toBe(0);
    // A new window starts with the next failure, from one.
    l.failed('staff', 'ann', '10.0.0.1');
    expect(l.retryAfter('staff', 'ann', '10.0.0.1')).toBe(0);
  });

  it("resets the username's counters on success, never the address's", () => {
    const l = createSignInLimiter(clock().now, { ...SIGN_IN_LIMITS, perAddress: 12 });
    for (let i = 0; i < 9; i++) l.failed('member', 'bo', '10.0.0.2');
    l.succeeded('member', 'bo', '10.0.0.2');
    for (let i = 0; i < 2; i++) l.failed('member', 'bo', '10.0.0.2');
    expect(l.retryAfter('member', 'bo', '10.0.0.2')).toBe(0);
    // The 12th failure from the address: an attacker's own successful sign-in did not wipe the first nine.
    l.failed('member', 'cy', '10.0.0.2');
    expect(l.retryAfter('member', 'cy', '10.0.0.2')).toBe(900);
    expect(l.retryAfter('member', 'bo', '10.0.0.2')).toBe(900);
    expect(l.retryAfter('member', 'cy', '10.0.0.3')).toBe(0);
  });

  it('limits one username from many addresses at the per-username ceiling', () => {
    const l = createSignInLimiter(clock().now);
    for (let i = 0; i < 100; i++) l.failed('staff', 'dee', `10.1.0.${i}`);
    expect(l.retryAfter('staff', 'dee', '10.2.0.1')).toBe(900);
    expect(l.retryAfter('staff', 'eve', '10.2.0.1')).toBe(0);
    expect(l.retryAfter('member', 'dee', '10.2.0.1')).toBe(0);
  });

  it('counts an attempt when it begins, so parallel attempts cannot all pass the check; a success takes it back', () => {
    const l = createSignInLimiter(clock().now, { ...SIGN_IN_LIMITS, perAddress: 11 });
    // Ten attempts in flight at once (none answered yet): the eleventh is refused before any password is checked.
    for (let i = 0; i < 10; i++) expect(l.begin('staff', 'fay', '10.3.0.1')).toBe(0);
    expect(l.begin('staff', 'fay', '10.3.0.1')).toBe(900);
    // Another user from the address: one more attempt, which succeeds and gives the address its count back.
    expect(l.begin('staff', 'gus', '10.3.0.1')).toBe(0);
    l.succeeded('staff', 'gus', '10.3.0.1', true);
    expect(l.begin('staff', 'gus', '10.3.0.1')).toBe(0);
    expect(l.begin('staff', 'gus', '10.3.0.1')).toBe(900);
  });

  it('counts an over-long username by its hash: the same one together, different ones apart', () => {
    const l = createSignInLimiter(clock().now);
    const long = (c: string) => c.repeat(100_000);
    for (let i = 0; i < 10; i++) l.failed('member', long('a'), '10.4.0.1');
    expect(l.retryAfter('member', long('A'), '10.4.0.1')).toBe(900);
    expect(l.retryAfter('member', long('b'), '10.4.0.1')).toBe(0);
  });

  it("keeps a victim's lockout through a flood of new counters", () => {
    const l = createSignInLimiter(clock().now);
    for (let i = 0; i < 100; i++) l.failed('staff', 'hal', `10.5.${i >> 8}.${i & 255}`);
    expect(l.retryAfter('staff', 'hal', '10.6.0.1')).toBe(900);
    // 60,000 one-off usernames from 60,000 addresses: 180,000 counters, past the 100,000 kept.
    for (let i = 0; i < 60_000; i++) l.failed('staff', `u${i}`, `10.7.${i >> 8}.${i & 255}`);
    expect(l.retryAfter('staff', 'hal', '10.6.0.1')).toBe(900);
  });

  it('says the wait in whole minutes', () => {
    expect([waitText(1), waitText(60), waitText(61), waitText(900)]).toEqual(['1 minute', '1 minute', '2 minutes', '15 minutes']);
  });
});
