// Soak: waves of spectator sockets (2,000 at a time in the long run) connect to one hub process,
// follow events while results flow, and leave: cleanly, by a closed transport, and (long run) by a
// dropped network the hub only notices by its ping timeout. After every wave, every connected viewer
// shows the database's version of every heat it follows; after the last, the hub's heap (after full
// GCs) is back at its baseline within a tolerance, so nothing a socket held is kept.
// The hub runs with --expose-gc and bench/heap-probe.ts (the memory benchmark's probe: a full GC and
// process.memoryUsage() over an IPC channel; nothing is added to the product).
// Short under `npm test`; LONG=1 (npm run test:soak): 2,000 sockets a wave, 6 waves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Socket } from 'socket.io-client';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { ensureRoleUsers, TEST_PASSWORD } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { startHub, type HubProcess } from '../helpers/hub-process.js';
import { connected, connectLive } from '../helpers/sockets.js';
import { TestViewer } from '../helpers/viewer.js';
import { runRestConsole, type Submission } from '../helpers/console-client.js';
import { redisAvailable, REDIS_URL } from '../helpers/services.js';
import { loadSnapshot } from '../../server/results/snapshot.js';
import { LONG, reportFigures, sized } from '../helpers/budget.js';

const HEAP_PROBE = pathToFileURL(fileURLToPath(new URL('../../bench/heap-probe.ts', import.meta.url))).href;
const WAVE = sized(300, 2000);
const WAVES = sized(3, 6);
/** How long each wave stays connected while results flow. */
const HOLD_MS = sized(3000, 20_000);
/** The long run also drops 10% of each wave without a goodbye: the hub frees them after its ping timeout (20 + 20 s). */
const DROP_SHARE = sized(0, 0.1);
const STEADY = 10;
/** Heap growth allowed between the baseline and the end (after full GCs): allocator and JIT noise, not sockets. */
const TOLERANCE_MB = sized(5, 10);
const MB = 2 ** 20;

const hasRedis = await redisAvailable();

interface Memory {
  heapUsed: number;
  rss: number;
  gc: boolean;
}

describe.skipIf(!hasRedis)('soak: waves of spectators while results flow', () => {
  let db: TestDb;
  let hub: HubProcess;
  let events: HeatFixture[] = [];
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    db = await createTestDb();
    await ensureRoleUsers(db);
    const first = await createHeats(db.sql, { heats: 3, lanes: 8 });
    events = [first, await createHeats(db.sql, { heats: 3, lanes: 8, meetId: first.meetId })];
    hub = await startHub(
      { DATABASE_URL: db.url, REDIS_URL: `${REDIS_URL}/13`, REDIS_PREFIX: `soak${randomBytes(3).toString('hex')}:`, RATE_READ_MAX: '1000000', RATE_WRITE_MAX: '1000000' },
      { nodeArgs: ['--expose-gc', '--import', HEAP_PROBE], ipc: true },
    );
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await hub?.stop('SIGTERM');
    await db?.close();
  });

  /** The hub's memory after three full GCs. */
  const memory = () =>
    new Promise<Memory>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer from the heap probe')), 30_000);
      hub.child.once('message', (m: Memory & { type: string }) => {
        clearTimeout(timer);
        resolve(m);
      });
      hub.child.send({ type: 'memory' });
    });

  const viewer = (i: number) => {
    const s = connectLive(hub.url, { transports: i % 10 === 9 ? ['polling'] : ['websocket'] });
    sockets.add(s);
    return new TestViewer(s, events[i % 2]!.eventId);
  };
  const connectWave = async (n: number): Promise<TestViewer[]> => {
    const out: TestViewer[] = [];
    for (let i = 0; i < n; i += 100) {
      const batch = Array.from({ length: Math.min(100, n - i) }, (_, k) => viewer(i + k));
      await Promise.all(batch.map((v) => connected(v.socket)));
      out.push(...batch);
    }
    await expect.poll(() => out.every((v) => v.heats.size === 3), { timeout: 60_000 }).toBe(true);
    return out;
  };
  /** Leaves as phones do: most say goodbye, some lose the transport, some (long run) vanish. */
  const leave = (wave: TestViewer[]) => {
    wave.forEach((v, i) => {
      const s = v.socket;
      s.io.reconnection(false);
      if (i < wave.length * DROP_SHARE) (s.io.engine.transport as unknown as { ws?: { _socket?: { destroy(): void } } }).ws?._socket?.destroy();
      else if (i % 4 === 3) s.io.engine.close();
      else s.disconnect();
      sockets.delete(s);
    });
  };
  /** Every connected viewer shows, for every heat it follows, the database's version and rows. */
  const expectCurrent = async (viewers: TestViewer[]) => {
    for (const f of events) {
      for (const heatId of f.heatIds) {
        const truth = (await loadSnapshot(db.sql, heatId))!;
        const following = viewers.filter((v) => v.socket.connected && v.heats.has(heatId));
        await expect.poll(() => following.filter((v) => v.heats.get(heatId)!.version !== truth.version).length, { timeout: 30_000 }).toBe(0);
        for (const v of following) expect(v.heats.get(heatId)!.rows).toEqual(truth.rows);
      }
    }
  };

  it(`connects and drops ${WAVES} waves of ${WAVE} sockets: viewers stay current, the heap returns to its baseline`, async () => {
    const res = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'starter@test.local', password: TEST_PASSWORD }) });
    const token = ((await res.json()) as { token: string }).token;
    const steady = await connectWave(STEADY);

    // Results flow all along (paused at each check): a new time for a random lane every 100 ms.
    let paused = false;
    let stopped = false;
    let acknowledged = 0;
    const lanes = events.flatMap((f) => f.lanes.flat());
    const plan: Submission[] = Array.from({ length: 100_000 }, (_, k) => {
      const l = lanes[k % lanes.length]!;
      return { heatId: l.heatId, entryId: l.entryId, timeMs: 10_000 + ((k * 7919) % 5000) * 2 + (k % 2) };
    });
    const stream = runRestConsole(() => hub.url, token, plan, {
      deadlineMs: 3_600_000,
      pauseMs: 100,
      before: async () => {
        while (paused && !stopped) await new Promise((r) => setTimeout(r, 20));
        if (stopped) throw new Error('stream stopped');
      },
      onAttempt: (a) => void (a.status === 200 && acknowledged++),
    }).catch((err: Error) => {
      if (!stopped) throw err;
    });
    const pause = async () => {
      paused = true;
      // One submission may still be on the wire.
      await new Promise((r) => setTimeout(r, 300));
    };

    // Warm-up: one small wave through every path (subscribe, broadcast, leave), then the baseline.
    leave(await connectWave(100));
    await pause();
    await new Promise((r) => setTimeout(r, 2000));
    const base = await memory();
    expect(base.gc, 'the hub runs with --expose-gc').toBe(true);
    paused = false;

    let peak: Memory | null = null;
    /** Heap after each wave has left (dropped sockets of the long run not yet timed out are in it). */
    const series: number[] = [];
    let connections = 100;
    for (let w = 0; w < WAVES; w++) {
      const wave = await connectWave(WAVE);
      connections += WAVE;
      await new Promise((r) => setTimeout(r, HOLD_MS));
      await pause();
      await expectCurrent([...steady, ...wave]);
      if (w === 0) peak = await memory();
      paused = false;
      leave(wave);
      await new Promise((r) => setTimeout(r, 1000));
      series.push(+((await memory()).heapUsed / MB).toFixed(1));
    }
    await pause();
    stopped = true;
    await stream;
    expect(acknowledged).toBeGreaterThan(WAVES * 10);
    await expectCurrent(steady);
    // Dropped sockets are freed at the hub's ping timeout (pingInterval + pingTimeout = 40 s).
    await new Promise((r) => setTimeout(r, DROP_SHARE ? 45_000 : 3000));
    const after = await memory();
    const figures = {
      waves: WAVES, socketsPerWave: WAVE, connections, steadyViewers: STEADY, droppedWithoutGoodbye: Math.floor(WAVE * DROP_SHARE) * WAVES,
      resultsAcknowledged: acknowledged, heapBaseMB: +(base.heapUsed / MB).toFixed(1), heapWithOneWaveMB: +(peak!.heapUsed / MB).toFixed(1),
      heapPerSocketKB: +((peak!.heapUsed - base.heapUsed) / WAVE / 1024).toFixed(1), heapAfterEachWaveMB: series, heapAfterMB: +(after.heapUsed / MB).toFixed(1), heapGrowthMB: +((after.heapUsed - base.heapUsed) / MB).toFixed(1), toleranceMB: TOLERANCE_MB,
      rssBaseMB: +(base.rss / MB).toFixed(1), rssAfterMB: +(after.rss / MB).toFixed(1), long: LONG,
    };
    reportFigures('soak', figures);
    // The measure sees sockets: had the hub kept what every socket held, the growth would be far above the tolerance.
    expect(((peak!.heapUsed - base.heapUsed) / WAVE) * connections).toBeGreaterThan(2 * TOLERANCE_MB * MB);
    expect((after.heapUsed - base.heapUsed) / MB, JSON.stringify(figures)).toBeLessThan(TOLERANCE_MB);
    expect(hub.child.exitCode).toBeNull();
  }, sized(240_000, 1_800_000));
});
