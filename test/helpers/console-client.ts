// A timing console over REST, as a script or timing system would run one: every submission carries
// its own idempotency key and is retried with that key until the hub gives a definite answer.
import { randomUUID } from 'node:crypto';

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

export async function runRestConsole(
  baseUrl: () => string,
  token: string,
  submissions: Submission[],
  opts: { deadlineMs?: number; pauseMs?: number } = {},
): Promise<ConsoleStats> {
  const stats: ConsoleStats = { acknowledged: [], retries: 0, refused: [] };
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  for (const s of submissions) {
    const key = randomUUID();
    for (;;) {
      if (Date.now() > deadline) throw new Error(`console gave up: ${stats.acknowledged.length} acknowledged`);
      try {
        const res = await fetch(`${baseUrl()}/api/heats/${s.heatId}/results`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
          body: JSON.stringify({ results: [{ entryId: s.entryId, timeMs: s.timeMs, status: 'OK' }] }),
          signal: AbortSignal.timeout(5000),
        });
        const body = await res.text();
        if (res.ok) {
          stats.acknowledged.push({ key, s, version: (JSON.parse(body) as { version: number }).version });
          break;
        }
        if (res.status >= 500 || res.status === 429) throw new Error(`retryable ${res.status}`);
        stats.refused.push({ s, status: res.status, body });
        break;
      } catch {
        stats.retries++;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 100));
      }
    }
    if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
  }
  return stats;
}
