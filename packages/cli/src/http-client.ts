/** Talks to a running Tandem server on behalf of a CLI command. */
import { CliError, EXIT } from './config.ts';

export async function callServer(base: string, token: string, path: string, init: { method?: string; body?: string; contentType?: string; accept?: string } = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(new URL(path, base), {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, ...(init.contentType ? { 'content-type': init.contentType } : {}), ...(init.accept ? { accept: init.accept } : {}) },
      ...(init.body !== undefined ? { body: init.body } : {}),
    });
  } catch (e) {
    throw new CliError(`cannot reach the Tandem server at ${base}: ${(e as Error).message}`, EXIT.FAILURE);
  }
  if (res.status >= 400 && res.status !== 400) {
    const text = await res.text();
    let msg = text;
    try {
      msg = (JSON.parse(text) as { issue?: Array<{ diagnostics?: string }> }).issue?.[0]?.diagnostics ?? text;
    } catch {
      /* not JSON */
    }
    throw new CliError(`server answered ${res.status}: ${msg}`, EXIT.FAILURE);
  }
  return res;
}
