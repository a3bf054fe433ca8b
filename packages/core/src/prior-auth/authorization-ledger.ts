/**
 * Approved authorizations as claims adjudication sees them: per member and service code, the
 * dates they cover and the units left. Like the accumulator ledger, an in-memory value the
 * caller loads (rows locked) and writes back; adjudication consumes units as lines pay.
 */
export interface ApprovedAuthorization {
  readonly authId: string;
  readonly sequence: number;
  /** The payer's authorization number (PAS preAuthRef, 278 HCR02). */
  readonly authNumber: string;
  readonly memberKey: string;
  readonly code: string;
  readonly from: string;
  readonly to: string;
  readonly unitsApproved: number;
  readonly unitsUsed: number;
}

export type Consumption =
  | { readonly ok: true; readonly authNumber: string; readonly authId: string }
  | { readonly ok: false; readonly reason: 'absent' | 'exceeded' };

export class AuthorizationLedger {
  private readonly items: ApprovedAuthorization[];
  private readonly used = new Map<string, number>();

  constructor(items: Iterable<ApprovedAuthorization> = []) {
    this.items = [...items].sort((a, b) => a.to.localeCompare(b.to) || a.authId.localeCompare(b.authId) || a.sequence - b.sequence);
  }

  private left(a: ApprovedAuthorization): number {
    return a.unitsApproved - (this.used.get(`${a.authId}|${a.sequence}`) ?? a.unitsUsed);
  }

  /**
   * Takes `units` of an authorization for this member, code and date — the one ending first,
   * so none lapses unused while a later one is drawn down. `exceeded` when authorizations
   * exist for the service and date but too few units remain. When the claim cites an
   * authorization number (837 REF*G1), only that authorization is drawn: a number that does
   * not cover this member, service and date is `absent`, whatever else would.
   */
  consume(memberKey: string, code: string, date: string, units: number, citedNumber?: string | null): Consumption {
    const matching = this.items.filter((a) => a.memberKey === memberKey && a.code === code && a.from <= date && date <= a.to && (!citedNumber || a.authNumber === citedNumber));
    if (matching.length === 0) return { ok: false, reason: 'absent' };
    const a = matching.find((x) => this.left(x) >= units);
    if (!a) return { ok: false, reason: 'exceeded' };
    const key = `${a.authId}|${a.sequence}`;
    this.used.set(key, (this.used.get(key) ?? a.unitsUsed) + units);
    return { ok: true, authNumber: a.authNumber, authId: a.authId };
  }

  /** Items whose used units changed, for the caller to write back. */
  changed(): { authId: string; sequence: number; unitsUsed: number }[] {
    return [...this.used].map(([k, unitsUsed]) => {
      const [authId, seq] = k.split('|');
      return { authId: authId!, sequence: Number(seq), unitsUsed };
    });
  }
}
