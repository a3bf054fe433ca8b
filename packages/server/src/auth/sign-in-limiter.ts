/**
 * Throttling of password sign-ins: staff (`POST /auth/login`), members (`POST /auth/member-login`)
 * and the SMART consent screen's sign-in (members, same credentials). Failed attempts are counted
 * in a fixed window per username from one address, per username from anywhere, and per address;
 * once one of them reaches its limit, every attempt it covers — even with the right password — is
 * refused with 429 and Retry-After until that window ends. Successful sign-ins are not counted, so
 * a hospital's staff behind one address can sign in all day.
 *
 * Why not @fastify/rate-limit: it counts every request, not failures, under one key per route.
 * Counters live in the process (like that plugin's default store): with N servers an attacker gets
 * N times the attempts, still bounded. Behind a reverse proxy every request comes from the proxy's
 * address (Fastify's trustProxy is off), so the per-address limit then counts all clients together.
 *
 * NIST SP 800-63B §5.2.2 (limit consecutive failed attempts on an account to at most 100);
 * 45 CFR 164.308(a)(5)(ii)(C) (log-in monitoring); RFC 6585 §4 (429, Retry-After).
 */
import { TandemError } from '@tandem/core';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';

export interface SignInLimits {
  /** Failures for one username from one address: what one guesser gets. */
  readonly perUsernameAndAddress: number;
  /** Failures for one username from all addresses together: a distributed guess (NIST's ceiling). */
  readonly perUsername: number;
  /** Failures from one address over any usernames: a spray of common passwords. */
  readonly perAddress: number;
  readonly windowSeconds: number;
}

export const SIGN_IN_LIMITS: SignInLimits = { perUsernameAndAddress: 10, perUsername: 100, perAddress: 100, windowSeconds: 15 * 60 };

/** Staff and members have separate usernames (app_user, member_login); an address is one address for both. */
export type SignInRealm = 'staff' | 'member';

/**
 * Counters kept at most. Past it, ended windows are dropped, then the oldest counters that have not
 * reached their limit — never a lockout, so a flood of new usernames or addresses cannot clear a
 * victim's; when every counter is a lockout, new sign-ins are refused until windows end (fail closed).
 */
const MAX_KEYS = 100_000;
/** A username longer than this is counted by its hash: a key's size stays bounded whatever is posted. */
const MAX_KEY_USERNAME = 64;

export interface SignInLimiter {
  /** Seconds until this username may try again from this address; 0 when it may try now. */
  retryAfter(realm: SignInRealm, username: string, address: string): number;
  /** A wrong password or an unknown username (counted alike: no account enumeration). */
  failed(realm: SignInRealm, username: string, address: string): void;
  /**
   * Starts an attempt: the seconds to wait when it is refused, else 0 — and then the attempt is
   * already counted as a failure, so parallel attempts cannot all pass the check while their
   * passwords are being verified; `succeeded(…, true)` takes it back.
   */
  begin(realm: SignInRealm, username: string, address: string): number;
  /**
   * The username's own counters start again; the address's does not (an attacker's own account must
   * not reset it) — except the one failure `begin` counted ahead for this attempt (`begun`).
   */
  succeeded(realm: SignInRealm, username: string, address: string, begun?: boolean): void;
}

export function createSignInLimiter(now: () => Date, limits: SignInLimits = SIGN_IN_LIMITS): SignInLimiter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  const keys = (realm: SignInRealm, username: string, address: string) => {
    const name = username.trim().toLowerCase();
    const user = `${realm}:${name.length > MAX_KEY_USERNAME ? `#${createHash('sha256').update(name).digest('hex')}` : name}`;
    return [[`${user}@${address}`, limits.perUsernameAndAddress], [user, limits.perUsername], [`@${address}`, limits.perAddress]] as const;
  };
  const live = (key: string, t: number) => {
    const w = windows.get(key);
    if (w && w.endsAt <= t) windows.delete(key);
    return w && w.endsAt > t ? w : undefined;
  };
  const limitOf = (key: string) => (key.startsWith('@') ? limits.perAddress : key.includes('@') ? limits.perUsernameAndAddress : limits.perUsername);
  /**
   * Room for `n` new counters (see MAX_KEYS); false when only lockouts are left. A sweep frees a
   * tenth of the table at once, so under a flood it runs once per ~10,000 new counters, not per attempt.
   */
  const makeRoom = (t: number, n: number): boolean => {
    if (windows.size + n <= MAX_KEYS) return true;
    const target = MAX_KEYS - Math.floor(MAX_KEYS / 10);
    for (const [k, w] of windows) if (w.endsAt <= t) windows.delete(k);
    for (const [k, w] of windows) {
      if (windows.size + n <= target) break;
      if (w.count < limitOf(k)) windows.delete(k);
    }
    return windows.size + n <= MAX_KEYS;
  };
  const retryAfter = (realm: SignInRealm, username: string, address: string, t: number) => {
    let wait = 0;
    for (const [key, max] of keys(realm, username, address)) {
      const w = live(key, t);
      if (w && w.count >= max) wait = Math.max(wait, Math.ceil((w.endsAt - t) / 1000));
    }
    return wait;
  };
  const failed = (realm: SignInRealm, username: string, address: string, t: number) => {
    const ks = keys(realm, username, address);
    if (!makeRoom(t, ks.filter(([key]) => !live(key, t)).length)) return false;
    for (const [key] of ks) {
      const w = live(key, t);
      if (w) w.count++;
      else windows.set(key, { count: 1, endsAt: t + limits.windowSeconds * 1000 });
    }
    return true;
  };
  return {
    retryAfter: (realm, username, address) => retryAfter(realm, username, address, now().getTime()),
    failed(realm, username, address) {
      failed(realm, username, address, now().getTime());
    },
    begin(realm, username, address) {
      const t = now().getTime();
      const wait = retryAfter(realm, username, address, t);
      if (wait > 0) return wait;
      // No room for this attempt's counters (a flood of lockouts): refused until windows end.
      return failed(realm, username, address, t) ? 0 : limits.windowSeconds;
    },
    succeeded(realm, username, address, begun = false) {
      const [mine, user, addr] = keys(realm, username, address);
      windows.delete(mine[0]);
      windows.delete(user[0]);
      const w = begun ? live(addr[0], now().getTime()) : undefined;
      if (w && w.count > 0) w.count--;
    },
  };
}

/** "14 minutes" / "1 minute": how the refusal says when to come back (Retry-After has the seconds). */
export function waitText(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Starts a JSON sign-in (counted as failed until `succeeded(…, true)`), or refuses it while throttled: 429 with Retry-After and an OperationOutcome (error handler). */
export function assertMaySignIn(limiter: SignInLimiter, reply: FastifyReply, realm: SignInRealm, username: string, address: string): void {
  const wait = limiter.begin(realm, username, address);
  if (wait === 0) return;
  void reply.header('retry-after', String(wait));
  throw new TandemError('TOO_MANY_REQUESTS', `too many failed sign-ins for this username or from this address; try again in ${waitText(wait)}`);
}
