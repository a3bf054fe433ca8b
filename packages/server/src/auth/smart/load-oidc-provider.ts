/**
 * Loads oidc-provider on first use rather than at import: only `serve` and `tandem smart
 * register` need it, and every other command would otherwise pay for loading it.
 * oidc-provider 9 warns at load time on any Node release before 22 LTS; Tandem runs on
 * Node 20.12+ (package.json engines) and the library works there (this repository's tests run it on 20),
 * so that one known line is kept off standard error — it would break the CLI's
 * one-line error contract. Any other warning passes through.
 */
import type * as OidcProviderModule from 'oidc-provider';

type OidcModule = typeof OidcProviderModule;

let loading: Promise<OidcModule> | null = null;

export function loadOidcProvider(): Promise<OidcModule> {
  return (loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
      warn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })());
}
