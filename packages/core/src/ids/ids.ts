/** Branded identifiers: an NPI cannot be passed where a claim id is expected. */
export type ClaimId = string & { readonly __brand: 'ClaimId' };
