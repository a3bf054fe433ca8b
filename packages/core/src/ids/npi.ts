/**
 * National Provider Identifier check digit: Luhn over the 9-digit base with the
 * card-issuer prefix 80840 (45 CFR 162.406; CMS "NPI check digit" standard).
 * https://www.cms.gov/Regulations-and-Guidance/Administrative-Simplification/NationalProvIdentStand/Downloads/NPIcheckdigit.pdf
 */
export type Npi = string & { readonly __brand: 'Npi' };

export function npiCheckDigit(base9: string): number {
  // Prefix 80840 contributes a constant 24 to the Luhn sum.
  let sum = 24;
  for (let i = 0; i < 9; i++) {
    let d = base9.charCodeAt(8 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidNpi(value: string): value is Npi {
  if (!/^[12]\d{9}$/.test(value)) return false;
  return npiCheckDigit(value.slice(0, 9)) === value.charCodeAt(9) - 48;
}

/** Builds a valid NPI from a 9-digit base (first digit 1 or 2). */
export function makeNpi(base9: string): Npi {
  if (!/^[12]\d{8}$/.test(base9)) throw new RangeError(`NPI base must be 9 digits starting 1 or 2: ${base9}`);
  return (base9 + String(npiCheckDigit(base9))) as Npi;
}
