/**
 * A provider's EHR for tests of R4-backport rest-hook Subscriptions: a real HTTP listener on a
 * free local port that keeps every notification it accepts (headers and JSON body), and can be
 * told to answer the next N with 503 (an endpoint briefly down, for the retries).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A notification as received: JSON, read by the tests as they please. */
export type ReceivedNotification = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RestHookListener {
  /** The listener's URL for a path, e.g. url('/notify'). */
  url(path: string): string;
  /** Notifications accepted so far, in arrival order. */
  readonly received: ReceivedNotification[];
  /** Answer the next `n` notifications 503 (not kept). */
  failNext(n: number): void;
  close(): void;
}

export async function restHookListener(): Promise<RestHookListener> {
  const received: RestHookListener['received'] = [];
  let failing = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failing > 0) {
        failing--;
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body: JSON.parse(body) as unknown });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: (path) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    failNext: (n) => (failing = n),
    close: () => server.close(),
  };
}
