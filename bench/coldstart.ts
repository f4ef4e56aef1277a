// Cold start: from spawning `node --import tsx server/main.ts serve` to the first 200 from /readyz
// (polled every 10 ms). Embedded mode (PGlite) in a fresh EMBEDDED_DATA_DIR, with the default demo
// seeding and without it, and reopening that directory; server mode on a fresh database (all
// migrations run) and on a migrated one. Reference: the bare runtime (node --import tsx, an empty
// script) on the same machine in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDb } from '../test/helpers/db.js';
import { migrate } from '../server/db/migrate.js';
import { REDIS_URL } from '../test/helpers/services.js';
import { hubDir, startHub, waitReady } from './lib/procs.js';
import { BENCH_REDIS_DB, createBenchEnv } from './lib/setup.js';
import { median, now } from './lib/util.js';
import type { BenchPart, Target } from './lib/report.js';

export interface ColdstartOptions {
  reps: number;
  /** The slow scenarios (demo seeding, migrations on a fresh database) and the priming start. */
  all: boolean;
}
export const COLDSTART_FULL: ColdstartOptions = { reps: 3, all: true };
export const COLDSTART_SMOKE: ColdstartOptions = { reps: 1, all: false };

async function timeToReady(name: string, env: Record<string, string>): Promise<number> {
  const t0 = now();
  const hub = await startHub({ name, env, readyTimeoutMs: 60_000, waitReady: false });
  try {
    await waitReady(hub.url, hub.child, 60_000, hub.log, 10);
    return now() - t0;
  } finally {
    await hub.stop();
  }
}

export async function runColdstart(o: ColdstartOptions, log: (s: string) => void): Promise<BenchPart> {
  const env = await createBenchEnv();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'athsys-coldstart-'));
  const base = { NODE_ENV: 'development', LOG_LEVEL: 'info' };
  const server = { ...env.hubEnv };
  const samples: Record<string, number[]> = {};
  const add = (k: string, ms: number) => {
    (samples[k] ??= []).push(ms);
    log(`${k}: ${Math.round(ms)} ms`);
  };
  try {
    // One unmeasured start first: tsx compiles the sources once and caches them (as on a deployed
    // machine after its first start); every measured start is a restart of installed code.
    if (o.all) await timeToReady('coldstart-prime', { ...server });
    for (let r = 0; r < o.reps; r++) {
      const t0 = now();
      spawnSync(process.execPath, ['--import', 'tsx', '-e', '0'], { cwd: hubDir(), stdio: 'ignore' });
      add('reference: node --import tsx (empty script)', now() - t0);

      if (o.all) add('embedded, fresh data dir, demo data (default)', await timeToReady('coldstart-embedded-demo', { ...base, EMBEDDED_DATA_DIR: path.join(tmp, `demo-${r}`) }));
      const dir2 = path.join(tmp, `plain-${r}`);
      add('embedded, fresh data dir, DEMO=false', await timeToReady('coldstart-embedded', { ...base, DEMO: 'false', EMBEDDED_DATA_DIR: dir2 }));
      add('embedded, reopen the data dir', await timeToReady('coldstart-embedded-reopen', { ...base, DEMO: 'false', EMBEDDED_DATA_DIR: dir2 }));

      const fresh = await createTestDb({ empty: true });
      try {
        if (o.all) add('server, fresh database (migrations)', await timeToReady('coldstart-server-fresh', { ...server, DATABASE_URL: fresh.url }));
        else await migrate(fresh.sql);
        add('server, migrated database', await timeToReady('coldstart-server', { ...server, DATABASE_URL: fresh.url }));
      } finally {
        await fresh.close();
      }
    }
    const rows = Object.entries(samples).map(([scenario, xs]) => ({ scenario, medianMs: Math.round(median(xs)), maxMs: Math.round(Math.max(...xs)), minMs: Math.round(Math.min(...xs)), samplesMs: xs.map((x) => Math.round(x)) }));
    const target = (scenario: string, limitMs: number): Target[] => {
      const r = rows.find((x) => x.scenario === scenario);
      return r ? [{ name: scenario, goal: `< ${limitMs} ms`, value: r.maxMs, met: r.maxMs < limitMs }] : [];
    };
    const targets: Target[] = [
      ...target('embedded, fresh data dir, demo data (default)', 5000),
      ...target('embedded, fresh data dir, DEMO=false', 5000),
      ...target('server, migrated database', 2000),
      ...target('server, fresh database (migrations)', 2000),
    ];
    return {
      bench: 'coldstart',
      params: { ...o, redis: `${REDIS_URL}/${BENCH_REDIS_DB}` },
      rows,
      targets,
      notes: ['targets are checked against the slowest sample; server mode runs with REDIS_URL (as deployed), so /readyz also waits for Redis'],
      tables: [{ title: 'Cold start to /readyz (ms)', table: { columns: ['scenario', 'median', 'min', 'max'], rows: rows.map((r) => [r.scenario, r.medianMs, r.minMs, r.maxMs]) } }],
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    await env.close();
  }
}
