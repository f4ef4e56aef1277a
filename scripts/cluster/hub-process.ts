// Real hub processes (server/main.ts): the local cluster (npm run cluster) and the multi-node,
// restart and shutdown tests start them with this.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));


export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface HubProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartHubOptions {
  port?: number;
  waitReady?: boolean;
  echo?: boolean;
  /** Node flags before the entry (the soak test: --expose-gc and bench/heap-probe.ts). */
  nodeArgs?: string[];
  /** An IPC channel to the hub (the heap probe answers on it). */
  ipc?: boolean;
}

/** Starts `server/main.ts serve` with exactly this environment (plus PATH, HOME, HOST and PORT). */
export async function startHub(env: Record<string, string>, opts: StartHubOptions = {}): Promise<HubProcess> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', ...(opts.nodeArgs ?? []), 'server/main.ts', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: String(port), ...env,
    },
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-200_000);
    if (opts.echo) process.stdout.write(d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const hub: HubProcess = {
    url: `http://127.0.0.1:${port}`, port, child, exited, output: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  if (opts.waitReady !== false) await waitReady(hub);
  return hub;
}

export async function waitReady(hub: HubProcess, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (hub.child.exitCode !== null) throw new Error(`hub exited with ${hub.child.exitCode}:\n${hub.output()}`);
    try {
      const res = await fetch(`${hub.url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`hub not ready within ${timeoutMs} ms:\n${hub.output()}`);
}
