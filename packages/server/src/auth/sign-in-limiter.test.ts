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

  it('says the wait in whole minutes', () => {
    expect([waitText(1), waitText(60), waitText(61), waitText(900)]).toEqual(['1 minute', '1 minute', '2 minutes', '15 minutes']);
  });
});
