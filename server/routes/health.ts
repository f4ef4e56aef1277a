import { z } from 'zod';
import type { Services } from '../app.js';
import type { ZApp } from './types.js';

export function healthRoutes(app: ZApp, s: Services): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'alive' }));

  // Ready when PostgreSQL answers and, where configured, Redis answers too.
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const checks: Record<string, 'ok' | 'down'> = {};
    checks.postgres = await withTimeout(s.sql`SELECT 1`.then(() => 'ok' as const));
    if (s.stores.redis) checks.redis = await withTimeout(s.stores.redis.ping().then(() => 'ok' as const));
    const ready = Object.values(checks).every((c) => c === 'ok');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });

  app.get(
    '/api/info',
    { schema: { tags: ['system'], response: { 200: z.object({ name: z.string(), version: z.string(), mode: z.enum(['embedded', 'server']), multiNode: z.boolean(), demo: z.boolean() }) } } },
    async () => ({
      name: 'AthSys Live',
      version: '0.1.0',
      mode: s.config.databaseUrl ? ('server' as const) : ('embedded' as const),
      multiNode: Boolean(s.stores.redis),
      demo: s.config.demo,
    }),
  );
}

async function withTimeout(p: Promise<'ok'>, ms = 2000): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'down'>((resolve) => (timer = setTimeout(() => resolve('down'), ms)));
  try {
    return await Promise.race([p.catch(() => 'down' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
