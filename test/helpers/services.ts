// Which real services answer. Outside CI a missing PostgreSQL means "use embedded PGlite" and a
// missing Redis means "skip the Redis suites, saying how to run them"; under CI=true both are
// required and their absence fails the run.
import net from 'node:net';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

function reachable(url: string, defaultPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port || defaultPort) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

let pg: Promise<boolean> | undefined;
let redis: Promise<boolean> | undefined;

export async function postgresAvailable(): Promise<boolean> {
  pg ??= reachable(PG_URL, 5432);
  const ok = await pg;
  if (!ok && IN_CI) throw new Error(`CI=true but PostgreSQL does not answer at ${PG_URL}: .ci/run must start it`);
  return ok;
}

export async function redisAvailable(): Promise<boolean> {
  redis ??= reachable(REDIS_URL, 6379);
  const ok = await redis;
  if (!ok && IN_CI) throw new Error(`CI=true but Redis does not answer at ${REDIS_URL}: .ci/run must start it`);
  if (!ok) console.warn(`Redis suites skipped: no Redis at ${REDIS_URL}. Start one (redis-server --port 6379) or set TEST_REDIS_URL to run them.`);
  return ok;
}
