// The only file that starts a process. `tsx server/main.ts [serve|migrate|seed]`.
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createSql, type Sql } from './db/client.js';
import type { EmbeddedDb } from './db/embedded.js';
import { migrate } from './db/migrate.js';
import { seedDemo } from './db/seed.js';
import { createRedis } from './cache/redis.js';
import { createStores } from './cache/stores.js';
import { buildApp } from './app.js';
import { createLogger } from './logger.js';

const SHUTDOWN_LIMIT_MS = 10_000;

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`AthSys Live cannot start: ${err.message}\nSee .env.example for every setting.`);
      process.exit(1);
    }
    throw err;
  }
}

async function openDatabase(config: Config, log: Logger): Promise<{ sql: Sql; embedded?: EmbeddedDb }> {
  if (config.databaseUrl) return { sql: createSql({ url: config.databaseUrl, max: config.databasePoolMax }) };
  const t0 = Date.now();
  // Loaded in embedded mode only: PGlite (PostgreSQL in WebAssembly) is a large module that a start
  // in server mode would load for nothing (bench:coldstart).
  const { startEmbeddedDb } = await import('./db/embedded.js');
  const embedded = await startEmbeddedDb(config.embeddedDataDir);
  log.info({ dataDir: config.embeddedDataDir, ms: Date.now() - t0 }, 'single-node embedded mode: PGlite database, in-memory stores (set DATABASE_URL and REDIS_URL to scale out)');
  // PGlite has one backend: one connection, no prepared statements (see MACHINE.md).
  return { sql: createSql({ url: embedded.url, max: 1, prepare: false }), embedded };
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'serve';
  if (!['serve', 'migrate', 'seed'].includes(command)) {
    console.error(`unknown command "${command}": use serve, migrate or seed`);
    process.exit(2);
  }
  const config = readConfig();
  const log = createLogger(config.logLevel);
  const { sql, embedded } = await openDatabase(config, log);
  const closeDb = async () => {
    await sql.end({ timeout: 5 });
    await embedded?.stop();
  };

  try {
    const applied = await migrate(sql);
    log.info({ applied }, applied.length ? 'migrations applied' : 'schema up to date');
    if (command === 'seed' || (command === 'serve' && config.demo)) {
      if (config.production) throw new Error('demo data is never loaded in production');
      const seeded = await seedDemo(sql, { bcryptCost: config.bcryptCost, onlyIfEmpty: command === 'serve' });
      // The demo passwords are in README.md: no password goes to the log, not even a public one.
      if (seeded) log.info(seeded, 'demo data loaded: sign in as admin@athsys.com (demo passwords: README.md)');
    }
  } catch (err) {
    log.fatal({ err }, `${command} failed`);
    await closeDb();
    process.exit(1);
  }
  if (command !== 'serve') {
    await closeDb();
    return;
  }

  const redis = config.redisUrl ? createRedis(config.redisUrl, 'main', config.redisPrefix) : undefined;
  redis?.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
  const app = await buildApp({ config, sql, stores: createStores(redis), logger: log });
  // Leaderboards are derived data: rebuilt from PostgreSQL at start and whenever Redis comes back.
  const rebuild = () => app.hub.leaderboards.rebuildLive().catch((err: unknown) => log.warn({ err }, 'leaderboard rebuild failed'));
  await rebuild();
  redis?.on('ready', () => void rebuild());
  await app.listen({ host: config.host, port: config.port });
  log.info(`AthSys Live ready at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${(app.server.address() as { port: number }).port}`);
  // DEMO_SIMULATOR: a race simulator runs the demo meet through this hub's console namespace.
  const simulator = config.demoSimulator
    ? (await import('./demo/in-process.js')).startDemoSimulator((app.server.address() as { port: number }).port, log)
    : undefined;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    try {
      await simulator?.stop();
      await app.close(); // stops accepting, lets in-flight requests finish
      await closeDb();
      redis?.disconnect();
      clearTimeout(timer);
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

await main();
