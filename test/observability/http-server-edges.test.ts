import { request } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger';
import { startOpsServer, type OpsRoute, type OpsServer } from '../../src/observability/http-server';

/** A raw request: the target is sent as written (fetch would normalize `//` and `//%`). */
function send(port: number, method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the ops server at its edges', () => {
  let server: OpsServer;
  const logged: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logged.push(chunk.toString());
      done();
    },
  });
  const routes: OpsRoute[] = [
    { path: '/ok', method: ['GET'], handler: (_req, res) => void res.writeHead(200).end('ok') },
    { path: '/posted', method: ['POST'], handler: (_req, res) => void res.writeHead(204).end() },
    {
      path: '/throws',
      method: ['GET'],
      handler: () => {
        throw new Error('a bug in a handler');
      },
    },
  ];

  beforeAll(async () => {
    server = await startOpsServer(routes, 0, '127.0.0.1', createLogger('error', sink));
  });
  afterAll(() => server.close());

  test.each(['//', '//%', '//[', '//%zz/ok'])('GET %s is a 400, and the server goes on answering', async (path) => {
    const res = await send(server.port, 'GET', path);
    expect(res.status).toBe(400);
    expect((await send(server.port, 'GET', '/ok')).body).toBe('ok');
  });

  test('a handler that throws is a logged 500, not a crash', async () => {
    expect((await send(server.port, 'GET', '/throws')).status).toBe(500);
    expect(logged.join('')).toContain('a bug in a handler');
    expect((await send(server.port, 'GET', '/ok')).status).toBe(200);
  });

  test('405 names HEAD wherever GET is allowed; HEAD of a GET route answers', async () => {
    const post = await send(server.port, 'POST', '/ok');
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
    expect((await send(server.port, 'HEAD', '/ok')).status).toBe(200);
    const get = await send(server.port, 'GET', '/posted');
    expect([get.status, get.headers.allow]).toEqual([405, 'POST']);
  });
});
