// Every process a benchmark starts goes through here, so that all of them are stopped at the end,
// on Ctrl-C and on a crash of the harness: a benchmark never leaves a hub or a client behind.
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT, sleep } from './util.js';

const children = new Set<ChildProcess>();

/** Where hubs run from: the working tree, or a commit exported by useHubRef(). */
let hubRoot = ROOT;
export const hubDir = (): string => hubRoot;

/**
 * Runs every hub of this process from `ref` (a commit, branch or tag) instead of the working tree:
 * its server/, shared/ and sql/ are exported (git archive) to bench/results/tmp/hub-<sha>/, next to
 * a link to node_modules. Before/after figures of a change come from two refs on the same machine,
 * and other people's uncommitted work in a shared tree stays out of the measurement.
 */
export function useHubRef(ref: string): string {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = path.join(ROOT, 'bench', 'results', 'tmp', `hub-${sha.slice(0, 12)}`);
  if (!existsSync(path.join(dir, 'server', 'main.ts'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', sha, 'server', 'shared', 'sql', 'package.json', 'tsconfig.json'], { cwd: ROOT, maxBuffer: 256 * 2 ** 20 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  }
  hubRoot = dir;
  return sha;
}
/** This run's hub logs: one folder per harness process (smoke runs from parallel test runs share the tree). */
export const LOG_DIR = path.join(ROOT, 'bench', 'results', 'tmp', 'logs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);

function killAll(signal: NodeJS.Signals = 'SIGKILL') {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
}
process.once('exit', () => killAll());
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killAll();
    process.exit(130);
  });
}

export function track<C extends ChildProcess>(child: C): C {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Hub {
  name: string;
  url: string;
  port: number;
  child: ChildProcess;
  logFile: string;
  log: () => string;
  stop: () => Promise<void>;
}

export interface HubOptions {
  name: string;
  env: Record<string, string>;
  port?: number;
  /** Node flags before the entry (e.g. --expose-gc, --cpu-prof). */
  nodeArgs?: string[];
  /** An IPC channel (the memory benchmark's heap probe answers on it). */
  ipc?: boolean;
  waitReady?: boolean;
  readyTimeoutMs?: number;
}

/**
 * `node --import tsx server/main.ts serve`, as `npm run serve` runs it, with exactly `env` (plus PATH,
 * HOME, HOST, PORT). Its output goes to a file (as under systemd/journald), not through this process:
 * piping thousands of request log lines a second into the harness would load the machine under test.
 */
export async function startHub(o: HubOptions): Promise<Hub> {
  const port = o.port ?? (await freePort());
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, `${o.name}.log`);
  const fd = openSync(logFile, 'w');
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', ...(o.nodeArgs ?? []), 'server/main.ts', 'serve'], {
      cwd: hubRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), ...o.env },
      stdio: o.ipc ? ['ignore', fd, fd, 'ipc'] : ['ignore', fd, fd],
      serialization: 'advanced',
    }),
  );
  closeSync(fd);
  const hub: Hub = {
    name: o.name, url: `http://127.0.0.1:${port}`, port, child, logFile,
    log: () => readFileSync(logFile, 'utf8').slice(-4000),
    stop: () => stopChild(child),
  };
  if (o.waitReady !== false) await waitReady(hub.url, child, o.readyTimeoutMs ?? 60_000, hub.log);
  return hub;
}

/** Polls GET /readyz until it answers 200. */
export async function waitReady(url: string, child: ChildProcess, timeoutMs: number, log: () => string, everyMs = 50): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`process exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(everyMs);
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${log()}`);
}

/** Forks one of the bench's own TypeScript modules with an IPC channel (structured clone). */
export function forkTs(file: string, opts: { nodeArgs?: string[]; env?: Record<string, string> } = {}): ChildProcess {
  return track(
    fork(path.join(ROOT, 'bench', file), [], {
      cwd: ROOT,
      execArgv: [...(opts.nodeArgs ?? []), '--import', 'tsx'],
      env: { ...process.env, ...opts.env },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
}

/** Request/response over a child's IPC channel: sends `msg` and resolves with the first reply of `type`. */
export function request<T>(child: ChildProcess, msg: { type: string } & Record<string, unknown>, reply = msg.type, timeoutMs = 600_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${reply}" reply within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type?: string; error?: string }) => {
      if (m?.type === reply) done(undefined, m as T);
      else if (m?.type === 'error') done(new Error(m.error));
    };
    const onExit = (code: number | null) => done(new Error(`child exited (${code}) before replying to "${msg.type}"`));
    function done(err?: Error, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(msg);
  });
}

/** Resolves with the next message of `type` from a child (e.g. its "ready"). */
export function nextMessage<T>(child: ChildProcess, type: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${type}" message within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type?: string }) => {
      if (m?.type !== type) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before "${type}"`)));
  });
}
