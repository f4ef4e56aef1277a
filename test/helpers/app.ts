// Builds the real app on a real database (and Redis when asked), listening on port 0.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { buildApp, type AppDeps } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { createRedis } from '../../server/cache/redis.js';
import { createStores } from '../../server/cache/stores.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { ROLES, type Role } from '../../shared/permissions.js';
import { createTestDb, type TestDb } from './db.js';
import { REDIS_URL } from './services.js';

export const TEST_PASSWORD = 'correct-horse-battery';

export interface TestApp {
  app: FastifyInstance;
  db: TestDb;
  config: Config;
  redis?: Redis;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Users, one per role, all with TEST_PASSWORD: `${role}@test.local`. */
  users: Record<Role, { id: number; email: string }>;
  login(role: Role): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Use the real Redis (isolated by a random key prefix). */
  redis?: boolean;
  /** Share Redis state with another test app (several hub processes): pass the same prefix to both. */
  redisPrefix?: string;
  /** A Redis database index of its own, for tests that FLUSHDB it (default 0). */
  redisDb?: number;
  /** A logger for the app; tests default to none. */
  logger?: AppDeps['logger'];
  env?: Record<string, string>;
  /** Reuse an existing database (restart tests); it is not closed with the app. */
  db?: TestDb;
  forceEmbedded?: boolean;
}

export function redisForTest(prefix: string, db = 0): Redis {
  const r = createRedis(`${REDIS_URL}/${db}`, 'test');
  r.options.keyPrefix = prefix;
  return r;
}

/** A fresh key prefix: Redis state no other test app sees. */
export const testRedisPrefix = () => `t${randomBytes(4).toString('hex')}:`;

export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const ownDb = !opts.db;
  const db = opts.db ?? (await createTestDb({ forceEmbedded: opts.forceEmbedded }));
  const config = loadConfig({
    NODE_ENV: 'test', BCRYPT_COST: '4', LOG_LEVEL: 'silent', DATABASE_URL: db.kind === 'postgres' ? db.url : undefined,
    ...(opts.redis ? { REDIS_URL } : {}), ...opts.env,
  });
  const redis = opts.redis ? redisForTest(opts.redisPrefix ?? testRedisPrefix(), opts.redisDb) : undefined;
  const app = await buildApp({ config, sql: db.sql, stores: createStores(redis), logger: opts.logger ?? false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const users = await ensureRoleUsers(db);
  return {
    app, db, config, redis, url, users,
    async login(role) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: users[role].email, password: TEST_PASSWORD } });
      if (res.statusCode !== 200) throw new Error(`login as ${role} failed: ${res.statusCode} ${res.body}`);
      return res.json<{ token: string }>().token;
    },
    async close() {
      await app.close();
      redis?.disconnect();
      if (ownDb) await db.close();
    },
  };
}

/** One active user per role (idempotent). */
export async function ensureRoleUsers(db: TestDb): Promise<Record<Role, { id: number; email: string }>> {
  const hash = await hashPassword(TEST_PASSWORD, 4);
  const out = {} as Record<Role, { id: number; email: string }>;
  for (const role of ROLES) {
    const email = `${role}@test.local`;
    const [row] = await db.sql<[{ id: number }]>`
      INSERT INTO users (name, email, password_hash, role) VALUES (${`Test ${role}`}, ${email}, ${hash}, ${role})
      ON CONFLICT (lower(email)) DO UPDATE SET role = excluded.role RETURNING id`;
    out[role] = { id: row.id, email };
  }
  return out;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
