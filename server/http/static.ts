// The two front ends, built by `npm run build` into dist/: the display (stadium board, spectators' phones)
// at /, the console at /console/. Both are single-page apps: a page path such as /board/1 gets index.html.
// Without a build (tests, `tsx server/main.ts serve` before `npm run build`) nothing is served, silently.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

export const DIST_DIR = fileURLToPath(new URL('../../dist/', import.meta.url));

/** Vite names every file under assets/ after its content hash: it never changes, cache it for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Paths the hub answers itself (JSON 404 when unknown), never an app page. */
const HUB_PATHS = /^\/(api|docs|socket\.io)(\/|$)/;
/** A last path segment with a dot names a file: a missing file is a 404, not the app's page. */
const FILE_LIKE = /\.[^/]*$/;

const APPS = [
  { name: 'display', prefix: '/' },
  { name: 'console', prefix: '/console/' },
] as const;

export async function registerStatic(app: FastifyInstance, distDir = DIST_DIR): Promise<void> {
  const built = APPS.map((a) => ({ ...a, root: path.join(distDir, a.name) })).filter((a) => existsSync(path.join(a.root, 'index.html')));
  if (!built.length) return;

  // Encapsulated: reply.sendFile stays inside this scope and clashes with no other plugin.
  await app.register(async (scope) => {
    for (const [i, a] of built.entries()) {
      await scope.register(fastifyStatic, {
        root: a.root,
        prefix: a.prefix,
        // The build's files are listed once at start (restart the hub after a rebuild); the page
        // fallback below owns the wildcard.
        wildcard: false,
        decorateReply: i === 0,
        cacheControl: false,
        setHeaders: (reply, filePath) => {
          const underAssets = path.relative(a.root, filePath).split(path.sep)[0] === 'assets';
          void reply.header('cache-control', underAssets ? IMMUTABLE : 'no-cache');
        },
      });
      scope.get(`${a.prefix}*`, { schema: { hide: true } }, (req, reply) => {
        const pathname = req.url.split('?')[0] ?? '/';
        if (HUB_PATHS.test(pathname) || FILE_LIKE.test(pathname)) return reply.callNotFound();
        return reply.sendFile('index.html', a.root);
      });
    }
    if (built.some((a) => a.name === 'console')) {
      scope.get('/console', { schema: { hide: true } }, (_req, reply) => reply.redirect('/console/', 301));
    }
  });
}
