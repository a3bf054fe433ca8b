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

/** Counters kept at most; past it, ended windows are dropped, then the oldest. Bounds memory under a spray of usernames. */
const MAX_KEYS = 100_000;

export interface SignInLimiter {
  /** Seconds until this username may try again from this address; 0 when it may try now. */
  retryAfter(realm: SignInRealm, username: string, address: string): number;
  /** A wrong password or an unknown username (counted alike: no account enumeration). */
  failed(realm: SignInRealm, username: string, address: string): void;
  /** The username's own counters start again; the address's does not (an attacker's own account must not reset it). */
  succeeded(realm: SignInRealm, username: string, address: string): void;
}

export function createSignInLimiter(now: () => Date, limits: SignInLimits = SIGN_IN_LIMITS): SignInLimiter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  const keys = (realm: SignInRealm, username: string, address: string) => {
    const user = `${realm}:${username.trim().toLowerCase()}`;
    return [[`${user}@${address}`, limits.perUsernameAndAddress], [user, limits.perUsername], [`@${address}`, limits.perAddress]] as const;
  };
  const live = (key: string, t: number) => {
    const w = windows.get(key);
    if (w && w.endsAt <= t) windows.delete(key);
    return w && w.endsAt > t ? w : undefined;
  };
  const makeRoom = (t: number) => {
    if (windows.size < MAX_KEYS) return;
    for (const [k, w] of windows) if (w.endsAt <= t) windows.delete(k);
    for (const k of windows.keys()) {
      if (windows.size < MAX_KEYS) break;
      windows.delete(k);
    }
  };
  return {
    retryAfter(realm, username, address) {
      const t = now().getTime();
      let wait = 0;
      for (const [key, max] of keys(realm, username, address)) {
        const w = live(key, t);
        if (w && w.count >= max) wait = Math.max(wait, Math.ceil((w.endsAt - t) / 1000));
      }
      return wait;
    },
    failed(realm, username, address) {
      const t = now().getTime();
      for (const [key] of keys(realm, username, address)) {
        const w = live(key, t);
        if (w) w.count++;
        else {
          makeRoom(t);
          windows.set(key, { count: 1, endsAt: t + limits.windowSeconds * 1000 });
        }
      }
    },
    succeeded(realm, username, address) {
      const [mine, user] = keys(realm, username, address);
      windows.delete(mine[0]);
      windows.delete(user[0]);
    },
  };
}

/** "14 minutes" / "1 minute": how the refusal says when to come back (Retry-After has the seconds). */
export function waitText(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** Refuses a JSON sign-in while it is throttled: 429 with Retry-After and an OperationOutcome (error handler). */
export function assertMaySignIn(limiter: SignInLimiter, reply: FastifyReply, realm: SignInRealm, username: string, address: string): void {
  const wait = limiter.retryAfter(realm, username, address);
  if (wait === 0) return;
  void reply.header('retry-after', String(wait));
  throw new TandemError('TOO_MANY_REQUESTS', `too many failed sign-ins for this username or from this address; try again in ${waitText(wait)}`);
}
