import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** X-Ice-Watch-Delivery. */
  delivery: string;
}

/** What the receiver answers a request with: a status (and headers), or `stall` (never answers). */
export type Answer = { status: number; headers?: Record<string, string> } | 'stall';

/**
 * A webhook receiver on loopback, as a subscriber runs one: it records every request and answers
 * what `answer` says (200 by default). A stalled request is held open until `close()`.
 */
export async function startReceiver(answer: (r: Received, n: number) => Answer = () => ({ status: 200 })) {
  const received: Received[] = [];
  const stalled: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        delivery: String(req.headers['x-ice-watch-delivery'] ?? ''),
      };
      received.push(r);
      const a = answer(r, received.length);
      if (a === 'stall') return void stalled.push(res);
      res.writeHead(a.status, { 'Content-Type': 'text/plain', ...a.headers });
      res.end(a.status < 300 ? 'ok' : `status ${a.status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    close: async () => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
