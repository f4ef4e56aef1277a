import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE, registerStatic } from '../../server/http/static.js';

/** A dist/ folder shaped like `npm run build`'s output. */
async function fakeDist(apps: ('display' | 'console')[]): Promise<string> {
  const dist = await mkdtemp(path.join(tmpdir(), 'athsys-dist-'));
  for (const app of apps) {
    await mkdir(path.join(dist, app, 'assets'), { recursive: true });
    await writeFile(path.join(dist, app, 'index.html'), `<!doctype html><title>${app}</title>`);
    await writeFile(path.join(dist, app, 'assets', 'index-Ab12Cd34.js'), `console.log('${app}')`);
  }
  return dist;
}

async function appWith(dist: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.url}` } }));
  app.get('/api/info', async () => ({ name: 'AthSys Live' }));
  await registerStatic(app, dist);
  return app;
}

describe('registerStatic (the built front ends)', () => {
  let dist: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dist = await fakeDist(['display', 'console']);
    app = await appWith(dist);
  });
  afterAll(async () => {
    await app.close();
    await rm(dist, { recursive: true, force: true });
  });

  it.each([
    ['/', 'display'],
    ['/board/1', 'display'],
    ['/heats/12/live?lang=fr', 'display'],
    ['/console/', 'console'],
    ['/console/heats/3', 'console'],
  ])('serves %s the %s page, never cached', async (url, name) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain(`<title>${name}</title>`);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('redirects /console to /console/', async () => {
    const res = await app.inject('/console');
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/console/');
  });

  it('caches hashed assets for a year', async () => {
    for (const [url, name] of [['/assets/index-Ab12Cd34.js', 'display'], ['/console/assets/index-Ab12Cd34.js', 'console']]) {
      const res = await app.inject(url!);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(`console.log('${name}')`);
      expect(res.headers['cache-control']).toBe(IMMUTABLE);
    }
  });

  it.each(['/api/nothing', '/api', '/docs/nothing', '/socket.io/nothing', '/assets/missing.js', '/console/assets/missing.css', '/favicon.ico', '/../package.json'])(
    'leaves %s to the JSON 404',
    async (url) => {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    },
  );

  it('leaves the API alone', async () => {
    expect((await app.inject('/api/info')).json()).toEqual({ name: 'AthSys Live' });
  });
});

describe('registerStatic without a build', () => {
  it('serves nothing and does not fail', async () => {
    const dist = path.join(tmpdir(), 'athsys-no-dist-here');
    const app = await appWith(dist);
    expect((await app.inject('/')).statusCode).toBe(404);
    expect((await app.inject('/console/')).statusCode).toBe(404);
    await app.close();
  });

  it('serves the one app that is built', async () => {
    const dist = await fakeDist(['console']);
    const app = await appWith(dist);
    expect((await app.inject('/console/x')).body).toContain('<title>console</title>');
    expect((await app.inject('/board/1')).statusCode).toBe(404);
    await app.close();
    await rm(dist, { recursive: true, force: true });
  });
});
