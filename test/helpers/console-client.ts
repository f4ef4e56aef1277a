// Timing consoles: over REST, as a script or timing system would run one, and over the /console
// socket, as the console app does. Every submission carries its own idempotency key and is retried
// with that key until the hub gives a definite answer.
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import type { Ack } from '../../shared/schemas/common.js';

export interface Submission {
  heatId: number;
  entryId: number;
  timeMs: number;
}

export interface ConsoleStats {
  acknowledged: { key: string; s: Submission; version: number }[];
  retries: number;
  refused: { s: Submission; status: number; body: string }[];
}

/** One try of one submission, as the console saw it (chaos tests check what answered when). */
export interface Attempt {
  at: number;
  key: string;
  /** HTTP status (for a socket ack, the status its error code stands for), 0 when no answer came. */
  status: number;
  /** The error code of a refusal (`unavailable`, `rate_limited`, ...), or the transport failure. */
  code?: string;
}

export interface ConsoleOptions {
  deadlineMs?: number;
  pauseMs?: number;
  /** Awaited before submission i is first sent (pacing). */
  before?: (i: number) => Promise<void>;
  onAttempt?: (a: Attempt) => void;
  /** Stops the console at its next try (a test that ends early). */
  signal?: AbortSignal;
}

const errorCode = (body: string): string | undefined => {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
};

export async function runRestConsole(
  baseUrl: () => string,
  token: string,
  submissions: Submission[],
  opts: ConsoleOptions = {},
): Promise<ConsoleStats> {
  const stats: ConsoleStats = { acknowledged: [], retries: 0, refused: [] };
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  for (const [i, s] of submissions.entries()) {
    await opts.before?.(i);
    const key = randomUUID();
    for (;;) {
      if (Date.now() > deadline) throw new Error(`console gave up: ${stats.acknowledged.length} acknowledged`);
      opts.signal?.throwIfAborted();
      try {
        const res = await fetch(`${baseUrl()}/api/heats/${s.heatId}/results`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
          body: JSON.stringify({ results: [{ entryId: s.entryId, timeMs: s.timeMs, status: 'OK' }] }),
          signal: AbortSignal.timeout(5000),
        });
        const body = await res.text();
        opts.onAttempt?.({ at: Date.now(), key, status: res.status, code: errorCode(body) });
        if (res.ok) {
          stats.acknowledged.push({ key, s, version: (JSON.parse(body) as { version: number }).version });
          break;
        }
        if (res.status >= 500 || res.status === 429) throw new Error(`retryable ${res.status}`);
        stats.refused.push({ s, status: res.status, body });
        break;
      } catch (err) {
        if (!(err instanceof Error && err.message.startsWith('retryable'))) opts.onAttempt?.({ at: Date.now(), key, status: 0, code: (err as Error).name });
        stats.retries++;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
      }
    }
    if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
  }
  return stats;
}

/** Acknowledgement codes that mean "not now" rather than "no", as the console app's outbox reads them. */
const TRANSIENT = new Set(['unavailable', 'internal', 'rate_limited']);
/** The HTTP status a refused ack stands for, so that REST and socket attempts read alike. */
const ACK_STATUS: Record<string, number> = { unavailable: 503, internal: 500, rate_limited: 429, unauthorized: 401, forbidden: 403, not_found: 404, conflict: 409, heat_official: 409 };

/**
 * The console app's way: one /console socket, one `result:submit` at a time with an ack timeout, the
 * same key again after a timeout, a disconnect or a transient refusal. A handshake the hub refuses
 * (database down) is retried here, as the app does, since Socket.IO does not retry it by itself.
 */
export async function runSocketConsole(baseUrl: string, token: string, submissions: Submission[], opts: ConsoleOptions = {}): Promise<ConsoleStats> {
  const stats: ConsoleStats = { acknowledged: [], retries: 0, refused: [] };
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  const socket = io(`${baseUrl}/console`, { transports: ['websocket'], forceNew: true, auth: { token }, reconnectionDelay: 100, reconnectionDelayMax: 500 });
  let refusal: string | null = null;
  socket.on('connect_error', (err) => {
    if (/^(unauthorized|forbidden)/.test(err.message)) refusal = err.message;
    else if (!socket.active) setTimeout(() => socket.connect(), 150);
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 150);
  });
  const ensureConnected = async () => {
    while (!socket.connected) {
      opts.signal?.throwIfAborted();
      if (refusal) throw new Error(`console refused: ${refusal}`);
      if (Date.now() > deadline) throw new Error(`console gave up (not connected): ${stats.acknowledged.length} acknowledged`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  try {
    for (const [i, s] of submissions.entries()) {
      await opts.before?.(i);
      const key = randomUUID();
      const payload = { heatId: s.heatId, idempotencyKey: key, results: [{ entryId: s.entryId, timeMs: s.timeMs, status: 'OK' }] };
      for (;;) {
        if (Date.now() > deadline) throw new Error(`console gave up: ${stats.acknowledged.length} acknowledged`);
        opts.signal?.throwIfAborted();
        await ensureConnected();
        let res: Ack<{ version: number }>;
        try {
          res = (await socket.timeout(5000).emitWithAck('result:submit', payload)) as Ack<{ version: number }>;
        } catch (err) {
          opts.onAttempt?.({ at: Date.now(), key, status: 0, code: (err as Error).message });
          stats.retries++;
          continue;
        }
        opts.onAttempt?.({ at: Date.now(), key, status: res.ok ? 200 : (ACK_STATUS[res.error.code] ?? 400), code: res.ok ? undefined : res.error.code });
        if (res.ok) {
          stats.acknowledged.push({ key, s, version: res.data.version });
          break;
        }
        if (!TRANSIENT.has(res.error.code)) {
          stats.refused.push({ s, status: 400, body: JSON.stringify(res.error) });
          break;
        }
        stats.retries++;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
      }
      if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
    }
  } finally {
    socket.disconnect();
  }
  return stats;
}
