/**
 * Registry invariants checked before anything is stored: type-2 NPIs on provider
 * organizations and type-1 NPIs on practitioners must pass the NPI check digit, TINs are
 * nine digits, effective periods do not end before they start. Returns every problem.
 */
import { isValidNpi } from '../ids/index.ts';
import type { Contract, Organization, Practitioner } from './types.ts';

export function organizationProblems(o: Organization): string[] {
  const out: string[] = [];
  if (o.kind === 'provider') {
    if (!o.npi) out.push(`${o.id}: a provider organization needs a type-2 NPI`);
    else if (!isValidNpi(o.npi)) out.push(`${o.id}: NPI ${o.npi} fails the check digit (45 CFR 162.406)`);
  }
  if (o.tin !== null && !/^\d{9}$/.test(o.tin)) out.push(`${o.id}: TIN ${o.tin} must be 9 digits`);
  return out;
}

export function practitionerProblems(p: Practitioner): string[] {
  const out: string[] = [];
  if (!isValidNpi(p.npi)) out.push(`${p.id}: NPI ${p.npi} fails the check digit (45 CFR 162.406)`);
  if (!/^[0-9A-Z]{9}X$/.test(p.taxonomy)) out.push(`${p.id}: taxonomy ${p.taxonomy} is not a NUCC code`);
  return out;
}

export function periodProblems(id: string, p: { effectiveFrom: string; effectiveTo: string | null }): string[] {
  return p.effectiveTo !== null && p.effectiveTo < p.effectiveFrom ? [`${id}: effective period ends (${p.effectiveTo}) before it starts (${p.effectiveFrom})`] : [];
}

export function contractProblems(c: Contract): string[] {
  return periodProblems(c.id, c);
}
