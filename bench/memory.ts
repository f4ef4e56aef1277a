// Memory per idle spectator: heap and RSS of the server process after a full GC, before and after V
// sockets connect (WebSocket) and subscribe to one heat, divided by V. Hub (with the heap probe
// preloaded: bench/heap-probe.ts, over an IPC channel) vs the bare Socket.IO baseline, same clients.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { createHeats } from '../test/helpers/fixtures.js';
import { benchHub, connectConsole, createBenchEnv, emitAck, login } from './lib/setup.js';
import { forkTs, nextMessage, request, stopChild, type Hub } from './lib/procs.js';
import { ROOT, openFileLimit, ratio, round, rssOf, sleep, split } from './lib/util.js';
import type { BenchPart, Target } from './lib/report.js';
import { publicEnv } from './fanout.js';

export interface MemoryOptions {
  viewers: number;
  perWorker: number;
  parallel: number;
  settleMs: number;
}

export const MEMORY_FULL: MemoryOptions = { viewers: 10_000, perWorker: 2500, parallel: 100, settleMs: 3000 };
export const MEMORY_SMOKE: MemoryOptions = { viewers: 100, perWorker: 2500, parallel: 20, settleMs: 300 };

interface Mem {
  heapUsed: number;
  heapTotal: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  gc: boolean;
}

export async function runMemory(o: MemoryOptions, log: (s: string) => void): Promise<BenchPart> {
  const fds = openFileLimit();
  if (fds.soft < o.viewers + 1000) throw new Error(`open-file limit ${fds.soft} is below ${o.viewers + 1000}: run with \`ulimit -n ${Math.max(o.viewers + 1000, 20_000)}\` (see bench/README.md)`);
  const env = await createBenchEnv();
  let hub: Hub | undefined;
  let baseline: ChildProcess | undefined;
  const workers: ChildProcess[] = [];
  try {
    const f = await createHeats(env.db.sql, { lanes: 8 });
    const heatId = f.heatIds[0]!;
    hub = await benchHub(env, { name: 'memory-hub', ipc: true, nodeArgs: ['--expose-gc', '--import', pathToFileURL(path.join(ROOT, 'bench', 'heap-probe.ts')).href] });
    const c = await connectConsole(hub.url, await login(hub.url));
    await emitAck(c, 'result:submit', { idempotencyKey: randomUUID(), heatId, results: f.lanes[0]!.map((l, i) => ({ entryId: l.entryId, timeMs: 9_900 + i * 37, status: 'OK' })) });
    c.disconnect();
    const template = (await (await fetch(`${hub.url}/api/heats/${heatId}`)).json()) as Record<string, unknown>;
    baseline = forkTs('baseline-socketio.ts', { nodeArgs: ['--expose-gc'] });
    const { port } = await nextMessage<{ port: number }>(baseline, 'ready');
    await request(baseline, { type: 'template', payload: template });
    for (let i = 0; i < Math.ceil(o.viewers / o.perWorker); i++) workers.push(forkTs('viewer-worker.ts'));

    const targets = [
      { target: 'baseline', url: `http://127.0.0.1:${port}`, child: baseline },
      { target: 'hub', url: hub.url, child: hub.child },
    ];
    const connect = async (url: string, n: number) => {
      const shares = split(n, workers.length);
      const r = await Promise.all(workers.map((w, i) => request<{ connected: number; failed: number; firstError?: string }>(w, { type: 'connect', heatId, parallel: o.parallel, targets: [{ url, count: shares[i]! }] })));
      const failed = r.reduce((s, x) => s + x.failed, 0);
      if (failed) throw new Error(`${failed} sockets failed to connect to ${url}: ${r.find((x) => x.firstError)?.firstError}`);
    };
    const disconnect = () => Promise.all(workers.map((w) => request(w, { type: 'disconnect' })));
    const rows = [];
    for (const t of targets) {
      const mem = async (): Promise<Mem> => {
        const m = await request<Mem>(t.child, { type: 'memory' });
        return { ...m, rss: rssOf(t.child.pid!) };
      };
      // Warm-up: the first sockets pay for code paths and lazily built structures, not per socket.
      await connect(t.url, Math.min(200, o.viewers));
      await disconnect();
      await sleep(o.settleMs);
      const before = await mem();
      await connect(t.url, o.viewers);
      await sleep(o.settleMs);
      const after = await mem();
      await disconnect();
      const per = (k: keyof Omit<Mem, 'gc'>) => (after[k] - before[k]) / o.viewers;
      rows.push({
        target: t.target, viewers: o.viewers, gc: after.gc,
        heapPerSocketB: Math.round(per('heapUsed')), rssPerSocketB: Math.round(per('rss')), externalPerSocketB: Math.round(per('external')),
        heapBeforeMB: round(before.heapUsed / 2 ** 20), heapAfterMB: round(after.heapUsed / 2 ** 20), rssBeforeMB: round(before.rss / 2 ** 20), rssAfterMB: round(after.rss / 2 ** 20),
      });
      log(`${t.target}: ${rows.at(-1)!.heapPerSocketB} B heap, ${rows.at(-1)!.rssPerSocketB} B RSS per socket`);
      await sleep(o.settleMs);
    }
    const hubRow = rows.find((r) => r.target === 'hub')!;
    const baseRow = rows.find((r) => r.target === 'baseline')!;
    const heapRatio = ratio(hubRow.heapPerSocketB, baseRow.heapPerSocketB);
    const targets2: Target[] = [{ name: 'heap per idle spectator: hub / bare Socket.IO', goal: '<= 1.2', value: heapRatio, met: heapRatio == null ? null : heapRatio <= 1.2 }];
    return {
      bench: 'memory',
      params: { ...o, hubEnv: publicEnv(env) },
      rows,
      targets: targets2,
      notes: [
        'per socket = (after - before) / viewers, both after 3 full GCs (node --expose-gc); RSS from /proc/<pid>/status (RSS is not given back after GC: an upper bound)',
        'hub heap read through bench/heap-probe.ts, preloaded with --import over an IPC channel: no route or flag in the product',
        'every socket subscribed to one heat; the hub adds a session-less /live socket in the heat room, as a phone would',
      ],
      tables: [
        {
          title: `Memory per idle spectator socket (${o.viewers} sockets)`,
          table: {
            columns: ['target', 'heap B/socket', 'RSS B/socket', 'external B/socket', 'heap MB before → after', 'RSS MB before → after'],
            rows: rows.map((r) => [r.target, r.heapPerSocketB, r.rssPerSocketB, r.externalPerSocketB, `${r.heapBeforeMB} → ${r.heapAfterMB}`, `${r.rssBeforeMB} → ${r.rssAfterMB}`]),
          },
        },
        { title: 'Ratio hub/baseline', table: { columns: ['heap', 'RSS'], rows: [[heapRatio, ratio(hubRow.rssPerSocketB, baseRow.rssPerSocketB)]] } },
      ],
    };
  } finally {
    await Promise.allSettled(workers.map((w) => stopChild(w, 2000)));
    if (baseline) await stopChild(baseline, 2000);
    await hub?.stop();
    await env.close();
  }
}
