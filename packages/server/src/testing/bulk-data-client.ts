/**
 * A FHIR Bulk Data client written from the specification, for tests: kick-off with
 * `Accept: application/fhir+json` and `Prefer: respond-async`, poll the Content-Location
 * honouring Retry-After until 200, read the manifest, download every output (with the
 * bearer token when `requiresAccessToken`), parse the NDJSON, and delete the job.
 * https://hl7.org/fhir/uv/bulkdata/STU2/export.html
 */
export interface BulkManifest {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: Array<{ type: string; url: string; count?: number }>;
  error: Array<{ type: string; url: string }>;
}

export interface BulkResult {
  readonly manifest: BulkManifest;
  readonly resources: Map<string, Array<Record<string, unknown>>>;
  /** Each file's NDJSON lines as they came, for byte-for-byte checks. */
  readonly lines: Map<string, string[]>;
  readonly polls: number;
  readonly statusUrl: string;
}

export async function bulkExport(kickOffUrl: string, token: string, opts: { maxWaitMs?: number; keep?: boolean; body?: unknown } = {}): Promise<BulkResult> {
  const auth = { authorization: `Bearer ${token}` };
  // A body makes the kick-off a POST (PDex requires POST for $bulk-member-match and Payer-to-Payer exports).
  const kick = await fetch(kickOffUrl, opts.body === undefined
    ? { headers: { ...auth, accept: 'application/fhir+json', prefer: 'respond-async' } }
    : { method: 'POST', headers: { ...auth, accept: 'application/fhir+json', prefer: 'respond-async', 'content-type': 'application/fhir+json' }, body: JSON.stringify(opts.body) });
  if (kick.status !== 202) throw new Error(`kick-off answered ${kick.status}: ${await kick.text()}`);
  const statusUrl = kick.headers.get('content-location');
  if (!statusUrl) throw new Error('kick-off answered 202 without Content-Location');
  const deadline = Date.now() + (opts.maxWaitMs ?? 60_000);
  let polls = 0;
  for (;;) {
    const res = await fetch(statusUrl, { headers: { ...auth, accept: 'application/json' } });
    polls++;
    if (res.status === 200) {
      const manifest = (await res.json()) as BulkManifest;
      const resources = new Map<string, Array<Record<string, unknown>>>();
      const texts = new Map<string, string[]>();
      for (const out of manifest.output) {
        const file = await fetch(out.url, { headers: { ...(manifest.requiresAccessToken ? auth : {}), accept: 'application/fhir+ndjson' } });
        if (file.status !== 200) throw new Error(`${out.url} answered ${file.status}`);
        const lines = (await file.text()).split('\n').filter((l) => l.trim() !== '');
        resources.set(out.type, [...(resources.get(out.type) ?? []), ...lines.map((l) => JSON.parse(l) as Record<string, unknown>)]);
        texts.set(out.type, [...(texts.get(out.type) ?? []), ...lines]);
      }
      if (!opts.keep) await fetch(statusUrl, { method: 'DELETE', headers: auth });
      return { manifest, resources, lines: texts, polls, statusUrl };
    }
    if (res.status !== 202) throw new Error(`status answered ${res.status}: ${await res.text()}`);
    if (Date.now() > deadline) throw new Error(`export still running after ${opts.maxWaitMs ?? 60_000} ms`);
    const retry = Number(res.headers.get('retry-after') ?? '1');
    // Tests do not need to wait the full advised interval; a real client would.
    await new Promise((r) => setTimeout(r, Math.min(Math.max(retry, 0.05) * 1000, 200)));
  }
}
