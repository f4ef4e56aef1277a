// nginx from Debian's package, run with our own rendered config in a temp folder (never the system service).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderNginxConfig } from '../../nginx/render.js';

export const NGINX_BIN = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

export interface LocalNginx {
  url: string;
  port: number;
  dir: string;
  /** Points nginx at another set of hub processes and reloads it. */
  reload(upstreams: string[]): void;
  stop(): Promise<void>;
}

export async function startNginx(port: number, upstreams: string[]): Promise<LocalNginx> {
  if (!NGINX_BIN) throw new Error('nginx is not installed: apt-get install -y nginx');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'athsys-nginx-'));
  const conf = path.join(dir, 'nginx.conf');
  const write = (ups: string[]) =>
    writeFileSync(conf, renderNginxConfig({ upstreams: ups, listen: `127.0.0.1:${port}`, prefix: dir, workerProcesses: 1 }));
  for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, d));
  write(upstreams);
  execFileSync(NGINX_BIN, ['-t', '-q', '-p', dir, '-c', conf], { stdio: 'pipe' });
  const child: ChildProcess = spawn(NGINX_BIN, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${err}`);
    try {
      await fetch(`${url}/healthz`);
      break;
    } catch {
      if (Date.now() > until) throw new Error(`nginx did not answer on ${url}: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url, port, dir,
    reload(ups) {
      write(ups);
      child.kill('SIGHUP');
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await exited;
      if (existsSync(path.join(dir, 'error.log')) && process.env.ATHSYS_KEEP_NGINX_LOGS) console.log(readFileSync(path.join(dir, 'error.log'), 'utf8'));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
