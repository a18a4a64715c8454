import { request } from 'node:http';
import { matchRoute, paramsOf, startOpsServer, type OpsRoute } from '../../src/observability/http-server';

const route = (path: string): OpsRoute => ({
  path,
  method: ['GET'],
  handler: (req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(paramsOf(req))),
});

describe('routes with :name segments (the shape Bolt customRoutes takes)', () => {
  const routes = [route('/healthz'), route('/feeds/:file'), route('/states/:state'), route('/states/:state/chart.png')];

  test('a fixed path matches only itself; a :name segment matches one decoded segment', () => {
    expect(matchRoute(routes, '/healthz')?.params).toEqual({});
    expect(matchRoute(routes, '/feeds/texas.atom')).toMatchObject({ route: routes[1], params: { file: 'texas.atom' } });
    expect(matchRoute(routes, '/states/new%20york')?.params).toEqual({ state: 'new york' });
    expect(matchRoute(routes, '/states/tx/chart.png')).toMatchObject({ route: routes[3], params: { state: 'tx' } });
  });

  test('no match for an empty segment, an extra segment, or a segment that cannot be decoded', () => {
    expect(matchRoute(routes, '/feeds/')).toBeNull();
    expect(matchRoute(routes, '/feeds/a/b')).toBeNull();
    expect(matchRoute(routes, '/states/%E0%A4%A')).toBeNull();
    expect(matchRoute(routes, '/healthz/')).toBeNull();
  });

  test('the server of its own hands the params to the handler, and answers 404 for anything else', async () => {
    const server = await startOpsServer(routes, 0, '127.0.0.1');
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        request({ host: '127.0.0.1', port: server.port, path }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
          .on('error', reject)
          .end();
      });
    try {
      expect(await get('/feeds/all.json?kinds=endings')).toEqual({ status: 200, body: '{"file":"all.json"}' });
      expect((await get('/feeds')).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
