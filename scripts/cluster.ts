// npm run cluster [-- --hubs 3 --port 8080]: K hub processes + nginx on loopback, until Ctrl-C.
// Uses DATABASE_URL and REDIS_URL from the environment, defaulting to the local services.
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { startCluster } from './cluster/cluster.js';

const { values } = parseArgs({ options: { hubs: { type: 'string', default: '3' }, port: { type: 'string', default: '8080' } } });
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/athsys';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// The local cluster's database is created on first use.
const adminUrl = new URL(databaseUrl);
const dbName = decodeURIComponent(adminUrl.pathname.slice(1));
adminUrl.pathname = '/postgres';
const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
if (!(await admin`SELECT 1 FROM pg_database WHERE datname = ${dbName}`).length) await admin.unsafe(`CREATE DATABASE "${dbName.replace(/"/g, '')}"`);
await admin.end();

const env: Record<string, string> = {
  NODE_ENV: process.env.NODE_ENV ?? 'development',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  DEMO: process.env.DEMO ?? 'true',
  ...(process.env.SESSION_SECRET ? { SESSION_SECRET: process.env.SESSION_SECRET } : {}),
};
const cluster = await startCluster({ hubs: Number(values.hubs), port: Number(values.port), env, echo: true });
console.log(`AthSys Live cluster: ${cluster.hubs.length} hubs on ports ${cluster.ports.join(', ')} behind nginx at ${cluster.url}  (Ctrl-C stops everything)`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  console.log('stopping the cluster...');
  void cluster.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
