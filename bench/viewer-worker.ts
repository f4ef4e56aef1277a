// A client process holding many spectator sockets (WebSocket transport), driven over IPC by the
// benchmark, in named sets (one per measured target). Each socket subscribes to one heat and records, per heat:update, its version and the
// wall-clock time of receipt; latencies are computed here against the send times the console took.
// socket.io-client with a lean parser (lib/lean-parser.ts): a heat:update's version is read, the
// rest of the snapshot is not parsed (its size is measured on the first one, from the raw packet).
import { io, type Socket } from 'socket.io-client';
import * as leanParser from './lib/lean-parser.js';
import { now, pool } from './lib/util.js';

interface Viewer {
  socket: Socket;
  /** Flat pairs: version, receipt time. */
  got: number[];
  maxVersion: number;
  lost: boolean;
}

// Sockets come in named sets (one per measured target: both are connected at once, and measured in
// alternating blocks); every command but disconnect and exit names its set.
type Msg =
  | { type: 'connect'; set: string; targets: { url: string; count: number }[]; heatId: number; parallel: number }
  | { type: 'reset'; set: string }
  | { type: 'status'; set: string; version: number }
  | { type: 'collect'; set: string; versions: number[]; sentAt: number[] }
  | { type: 'disconnect' }
  | { type: 'exit' };

const sets = new Map<string, Viewer[]>();
const payloadBytes = new Map<string, number>();
const viewersOf = (set: string): Viewer[] => sets.get(set) ?? [];

const reply = (m: Record<string, unknown>): void => void process.send!(m);

function openViewer(set: string, url: string, heatId: number): Promise<Viewer> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/live`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 120_000, parser: leanParser });
    const v: Viewer = { socket, got: [], maxVersion: 0, lost: false };
    socket.on('heat:update', (snap: { version: number }) => {
      v.got.push(snap.version, now());
      if (snap.version > v.maxVersion) v.maxVersion = snap.version;
    });
    // The size of one heat:update as sent: the Socket.IO packet less its `42/live,["heat:update",` head and `]`.
    socket.io.engine.on('packet', (p: { type: string; data?: unknown }) => {
      if (!payloadBytes.get(set) && p.type === 'message' && typeof p.data === 'string' && p.data.startsWith('2/live,["heat:update",')) {
        payloadBytes.set(set, Buffer.byteLength(p.data) - Buffer.byteLength('2/live,["heat:update",') - 1);
      }
    });
    socket.once('connect_error', (err) => reject(err));
    socket.once('connect', () => {
      socket.once('disconnect', () => (v.lost = true));
      socket.timeout(120_000).emit('subscribe', { heatId }, (err: Error | null, res: { ok: boolean; error?: { message: string } }) => {
        if (err) return reject(err);
        if (!res.ok) return reject(new Error(`subscribe refused: ${res.error?.message}`));
        resolve(v);
      });
    });
  });
}

async function handle(msg: Msg): Promise<void> {
  switch (msg.type) {
    case 'connect': {
      const t0 = now();
      // Round-robin over the targets, so that every hub gets its share at the same pace.
      const interleaved = interleave(msg.targets.map((t) => Array.from({ length: t.count }, () => t.url)));
      const viewers = viewersOf(msg.set);
      sets.set(msg.set, viewers);
      let failed = 0;
      let firstError: string | undefined;
      await pool(interleaved, msg.parallel, async (url) => {
        try {
          viewers.push(await openViewer(msg.set, url, msg.heatId));
        } catch (err) {
          failed++;
          firstError ??= (err as Error).message;
        }
      });
      return reply({ type: 'connect', connected: viewers.length, failed, firstError, ms: now() - t0 });
    }
    case 'reset':
      for (const v of viewersOf(msg.set)) v.got = [];
      payloadBytes.delete(msg.set);
      return reply({ type: 'reset' });
    case 'status': {
      const viewers = viewersOf(msg.set);
      return reply({ type: 'status', reached: viewers.filter((v) => v.maxVersion >= msg.version).length, lost: viewers.filter((v) => v.lost).length, total: viewers.length });
    }
    case 'collect': {
      // Per viewer and per measured version v: latency = first receipt of a snapshot with version >= v
      // minus the send time of v (a coalesced update still shows v's result). `exact` counts v itself.
      const { versions, sentAt } = msg;
      const viewers = viewersOf(msg.set);
      const wanted = new Set(versions);
      const latencies: number[] = [];
      let delivered = 0;
      let exact = 0;
      for (const v of viewers) {
        let next = 0;
        for (let i = 0; i < v.got.length; i += 2) {
          const version = v.got[i]!;
          const t = v.got[i + 1]!;
          if (wanted.has(version)) exact++;
          while (next < versions.length && versions[next]! <= version) {
            latencies.push(t - sentAt[next]!);
            next++;
          }
        }
        delivered += next;
      }
      return reply({
        type: 'collect', latencies: Float64Array.from(latencies), expected: versions.length * viewers.length, delivered, exact,
        lost: viewers.filter((v) => v.lost).length, payloadBytes: payloadBytes.get(msg.set) ?? 0,
      });
    }
    case 'disconnect':
      for (const viewers of sets.values()) for (const v of viewers) v.socket.disconnect();
      sets.clear();
      return reply({ type: 'disconnect' });
    case 'exit':
      process.exit(0);
  }
}

function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  for (let i = 0; out.length < lists.reduce((n, l) => n + l.length, 0); i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}

process.on('message', (msg: Msg) => {
  handle(msg).catch((err: unknown) => reply({ type: 'error', error: err instanceof Error ? err.stack : String(err) }));
});
process.on('disconnect', () => process.exit(0));
