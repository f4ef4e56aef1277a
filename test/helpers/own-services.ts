// A PostgreSQL cluster and a Redis server of the test's own, on free ports in a temp folder, for the
// suites that kill and restart them (the machine's shared services are never touched). Each is
// stopped by its pid; destroy() stops it and removes its folder.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './hub-process.js';

const PG_VERSIONS = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
/** Debian's server binaries (initdb, pg_ctl, postgres), newest installed version. */
export const PG_BIN = PG_VERSIONS.map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => existsSync(path.join(d, 'initdb')));
export const REDIS_BIN = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What to stop if the test process exits without destroy() (a timed-out hook): never leave a server behind. */
const leftovers = new Set<() => void>();
process.once('exit', () => {
  for (const stop of leftovers) stop();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitGone(pid: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > until) throw new Error(`process ${pid} did not exit within ${timeoutMs} ms`);
    await sleep(20);
  }
}

export interface OwnPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** The postmaster's pid while running. */
  pid(): number | null;
  /** immediate: a crash (SIGQUIT, recovery from WAL at the next start); fast: SIGINT, a clean stop. */
  stop(mode?: 'immediate' | 'fast'): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * initdb in a temp folder and start the server on a free port (trust auth, loopback only). Run as
 * root, the server runs as the `postgres` user (initdb refuses root).
 */
export async function startOwnPostgres(): Promise<OwnPostgres> {
  if (!PG_BIN) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install -y postgresql)');
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'athsys-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) } : {};
  if (asRoot) {
    chownSync(dir, ids.uid!, ids.gid!);
    chmodSync(dir, 0o700);
  }
  const run = (bin: string, args: string[]) =>
    execFileSync(path.join(PG_BIN!, bin), args, { ...ids, cwd: dir, env: { PATH: process.env.PATH ?? '', LANG: 'C', HOME: dir }, stdio: 'pipe', timeout: 60_000 });
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const options = [
    `-p ${port}`, `-k ${dir}`, "-c listen_addresses=127.0.0.1", '-c fsync=off', '-c synchronous_commit=on',
    '-c full_page_writes=off', '-c max_connections=200', '-c shared_buffers=32MB',
  ].join(' ');
  const pidOf = (): number | null => {
    const f = path.join(data, 'postmaster.pid');
    if (!existsSync(f)) return null;
    const pid = Number(readFileSync(f, 'utf8').split('\n')[0]);
    return pid > 0 && alive(pid) ? pid : null;
  };
  const leftover = () => {
    const pid = pidOf();
    if (pid) process.kill(pid, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  };
  leftovers.add(leftover);
  const pg: OwnPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    pid: pidOf,
    async start() {
      run('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', path.join(dir, 'server.log'), '-o', options]);
    },
    async stop(mode = 'fast') {
      const pid = pidOf();
      if (!pid) return;
      process.kill(pid, mode === 'immediate' ? 'SIGQUIT' : 'SIGINT');
      await waitGone(pid, 30_000);
    },
    async destroy() {
      leftovers.delete(leftover);
      const pid = pidOf();
      if (pid) {
        process.kill(pid, 'SIGQUIT');
        await waitGone(pid, 30_000).catch(() => process.kill(pid, 'SIGKILL'));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await pg.start();
  return pg;
}

export interface OwnRedis {
  /** redis://127.0.0.1:PORT */
  url: string;
  port: number;
  pid(): number | null;
  /** SIGKILL (a crash) or SIGTERM; Redis keeps nothing on disk, so a restart starts empty. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  if (!REDIS_BIN) throw new Error('redis-server not found (apt-get install -y redis-server)');
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'athsys-redis-'));
  mkdirSync(dir, { recursive: true });
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const leftover = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  leftovers.add(leftover);
  const r: OwnRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid ?? null : null),
    async start() {
      let out = '';
      const c = spawn(REDIS_BIN!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--maxclients', '10000'], { stdio: ['ignore', 'pipe', 'pipe'] });
      c.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-10_000)));
      c.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-10_000)));
      child = c;
      exited = new Promise((resolve) => c.once('exit', () => resolve()));
      const until = Date.now() + 10_000;
      while (!/Ready to accept connections/.test(out)) {
        if (c.exitCode !== null) throw new Error(`redis-server exited: ${out}`);
        if (Date.now() > until) throw new Error(`redis-server not ready: ${out}`);
        await sleep(20);
      }
    },
    async stop(signal = 'SIGKILL') {
      if (!r.pid()) return;
      child!.kill(signal);
      await exited;
    },
    async destroy() {
      leftovers.delete(leftover);
      await r.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await r.start();
  return r;
}
