// What every benchmark stands on: a fresh PostgreSQL database, a Redis database index and key
// prefix of its own, the test users, and hubs configured as in production.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { createTestDb, type TestDb } from '../../test/helpers/db.js';
import { ensureRoleUsers, TEST_PASSWORD } from '../../test/helpers/app.js';
import { REDIS_URL } from '../../test/helpers/services.js';
import { startHub, type Hub, type HubOptions } from './procs.js';

/** Redis database index of the benchmarks (tests use others); only keys under our prefix are touched. */
export const BENCH_REDIS_DB = 14;

export interface BenchEnv {
  db: TestDb;
  redisPrefix: string;
  /** The environment of every hub of this run. */
  hubEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function createBenchEnv(opts: { redis?: boolean; extraEnv?: Record<string, string> } = {}): Promise<BenchEnv> {
  const db = await createTestDb();
  if (db.kind !== 'postgres') {
    await db.close();
    throw new Error('the benchmarks need the real PostgreSQL (127.0.0.1:5432 or TEST_DATABASE_URL); see MACHINE.md');
  }
  await ensureRoleUsers(db);
  const redisPrefix = `bench${randomBytes(3).toString('hex')}:`;
  const hubEnv: Record<string, string> = {
    // Production settings: JSON logs at info (one line per HTTP request), the default pool of 10.
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'info',
    DEMO: 'false',
    DATABASE_URL: db.url,
    // All load comes from one address: the per-IP limits would refuse most of it otherwise.
    RATE_READ_MAX: '1000000000',
    RATE_WRITE_MAX: '1000000000',
    ...(opts.redis !== false ? { REDIS_URL: `${REDIS_URL}/${BENCH_REDIS_DB}`, REDIS_PREFIX: redisPrefix } : {}),
    ...opts.extraEnv,
  };
  return {
    db, redisPrefix, hubEnv,
    async close() {
      if (opts.redis !== false) await dropRedisPrefix(redisPrefix).catch(() => {});
      await db.close();
    },
  };
}

async function dropRedisPrefix(prefix: string): Promise<void> {
  const r = new Redis(`${REDIS_URL}/${BENCH_REDIS_DB}`, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await r.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}

/**
 * BENCH_CPU_PROF=<dir>: every hub writes V8 CPU profiles to <dir>/<hub name>/ when it stops (node
 * --cpu-prof): one per thread, the main thread's is the one with `.0.` before the sequence number
 * (the other is tsx's module loader thread).
 */
export function benchHub(env: BenchEnv, o: Omit<HubOptions, 'env'> & { env?: Record<string, string> }): Promise<Hub> {
  const prof = process.env.BENCH_CPU_PROF;
  const nodeArgs = [...(o.nodeArgs ?? []), ...(prof ? ['--cpu-prof', '--cpu-prof-dir', path.join(prof, o.name)] : [])];
  return startHub({ ...o, nodeArgs, env: { ...env.hubEnv, ...o.env } });
}

export async function login(url: string, role = 'starter'): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `${role}@test.local`, password: TEST_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login as ${role} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** A /console socket (WebSocket only), connected. */
export async function connectConsole(url: string, token: string): Promise<Socket> {
  const s = io(`${url}/console`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { token } });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  });
  return s;
}

export interface Ack<T> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string };
}

export async function emitAck<T>(s: Socket, event: string, payload: unknown, timeoutMs = 30_000): Promise<T> {
  const res = (await s.timeout(timeoutMs).emitWithAck(event, payload)) as Ack<T>;
  if (!res.ok) throw new Error(`${event} refused: ${res.error?.code} ${res.error?.message}`);
  return res.data as T;
}
