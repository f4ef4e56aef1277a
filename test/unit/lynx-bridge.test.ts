// The bridge against a scripted hub (an injected fetch): refusals, token trouble, start-list refresh.
// The real-hub behaviour (outage, restart, live updates) is test/integration/lynx-bridge.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JOURNAL_NAME, LynxBridge } from '../../server/lynx/bridge.js';
import { writeLif } from '../helpers/lynx.js';

const poll = { timeout: 5_000, interval: 20 };

/** A fake hub: answers the start-list GETs from `files`, the LIF POSTs with `lif(body)`. */
function fakeHub(opts: { lif: (body: Buffer, headers: Record<string, string>) => [number, unknown]; files: Record<string, string> }) {
  const calls: { method: string; url: string; headers: Record<string, string> }[] = [];
  const fetchImpl: typeof fetch = async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = init.headers as Record<string, string>;
    calls.push({ method: init.method ?? 'GET', url: url.pathname, headers });
    const m = /^\/api\/meets\/5\/lynx\/(evt|sch|ppl)$/.exec(url.pathname);
    if (m) {
      const body = opts.files[m[1]!] ?? '';
      const etag = `"${Buffer.from(body).toString('base64url').slice(0, 20)}${body.length}"`;
      if (headers['if-none-match'] === etag) return new Response(null, { status: 304 });
      return new Response(body, { status: 200, headers: { etag } });
    }
    if (url.pathname === '/api/meets/5/lif' && init.method === 'POST') {
      const [status, body] = opts.lif(init.body as Buffer, headers);
      return Response.json(body, { status });
    }
    return Response.json({ error: { code: 'not_found', message: 'no route' } }, { status: 404 });
  };
  return { fetch: fetchImpl, calls, posts: () => calls.filter((c) => c.method === 'POST') };
}

describe('LynxBridge', () => {
  let dir: string;
  let bridge: LynxBridge | undefined;
  const lines: string[] = [];
  const start = async (fetchImpl: typeof fetch) => {
    bridge = new LynxBridge({
      dir, hub: 'http://hub.test', token: 'tok', meetId: 5, startListPollMs: 50, rescanMs: 50, settleMs: 20,
      backoff: { initialMs: 20, maxMs: 80 }, log: (l) => lines.push(l), fetch: fetchImpl,
    });
    await bridge.start();
    return bridge;
  };
  const lif = (id: string, time = 10_000) => writeLif({ eventNumber: 1, round: 3, heat: 1 }, [{ place: 1, id, time }]);

  afterEach(async () => {
    await bridge?.stop();
    bridge = undefined;
    lines.length = 0;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the start lists, rewrites only what changed, and gives a refused file another chance when the evt changes', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridge-unit-'));
    const files = { evt: '1,3,1,Men 100m\r\n,7,1,Doe,John,KEN\r\n', sch: '1,3,1\r\n', ppl: '7,Doe,John,KEN\r\n' };
    let known = new Set(['7']);
    const hub = fakeHub({
      files,
      lif: (body) => {
        const id = body.toString().split('\r\n')[1]!.split(',')[1]!;
        return known.has(id) ? [200, { heatId: 3, version: 9, replay: false }] : [400, { error: { code: 'unknown_competitor', message: `competitor ID not in the start list: ${id}` } }];
      },
    });
    await start(hub.fetch);
    await expect.poll(async () => readFile(path.join(dir, 'lynx.evt'), 'utf8').catch(() => ''), poll).toBe(files.evt);
    // The three files are written independently: wait for each, not only the first.
    await expect.poll(async () => readFile(path.join(dir, 'lynx.ppl'), 'utf8').catch(() => ''), poll).toBe(files.ppl);

    await writeFile(path.join(dir, '001-3-01.lif'), lif('8'));
    await expect.poll(() => lines.find((l) => l.startsWith('refused ')), poll).toBe('refused 001-3-01.lif: competitor ID not in the start list: 8');
    const checks = bridge!.stats.scans;
    await expect.poll(() => bridge!.stats.scans, poll).toBeGreaterThan(checks + 3);
    expect(hub.posts()).toHaveLength(1); // refused means: not again

    // A late entry: the evt changes, the refused file is sent again and now goes in.
    known = new Set(['7', '8']);
    files.evt += ',8,2,Roe,Jim,ETH\r\n';
    await expect.poll(() => lines.find((l) => l.startsWith('imported ')), poll).toBe('imported 001-3-01.lif heat 3 v9');
    expect(lines.filter((l) => l.startsWith('wrote '))).toEqual([
      expect.stringMatching(/^wrote lynx\.evt/), expect.stringMatching(/^wrote lynx\.sch/), expect.stringMatching(/^wrote lynx\.ppl/), expect.stringMatching(/^wrote lynx\.evt/),
    ]);
    expect(hub.posts()[1]!.headers).toMatchObject({ authorization: 'Bearer tok', 'content-type': 'application/octet-stream', 'x-lynx-file': '001-3-01.lif', 'idempotency-key': expect.stringMatching(/^lif-[0-9a-f]{64}$/) });
  });

  it('keeps a file queued while the token is refused or the hub fails, and sends only the newest content of a waiting file', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridge-unit-'));
    let answer: [number, unknown] = [401, { error: { code: 'unauthorized', message: 'session expired or revoked: sign in again' } }];
    const bodies: string[] = [];
    const hub = fakeHub({ files: {}, lif: (body) => (bodies.push(body.toString()), answer) });
    await start(hub.fetch);
    await writeFile(path.join(dir, 'a.lif'), lif('1', 10_000));
    await expect.poll(() => lines.find((l) => l.startsWith('queued a.lif')), poll).toMatch(/the hub refused the token \(401: session expired/);
    await expect.poll(() => hub.posts().length, poll).toBeGreaterThan(2); // retried with backoff
    answer = [503, { error: { code: 'unavailable', message: 'the results database is unavailable' } }];
    await writeFile(path.join(dir, 'a.lif'), lif('1', 10_100)); // FinishLynx rewrote it meanwhile
    await expect.poll(() => bodies.at(-1)?.includes('10.100') ?? false, poll).toBe(true);
    const journal = JSON.parse(await readFile(path.join(dir, JOURNAL_NAME), 'utf8')) as { queue: { name: string }[] };
    expect(journal.queue.map((q) => q.name)).toEqual(['a.lif']);
    answer = [200, { heatId: 4, version: 2, replay: false }];
    await expect.poll(() => lines.filter((l) => l.startsWith('imported ')), poll).toEqual([expect.stringMatching(/^imported a\.lif heat 4 v2 \(after \d+ attempts\)$/)]);
    expect(lines.filter((l) => l.startsWith('queued a.lif'))).toHaveLength(2); // once per content, not once per retry
  });

  it('refuses to start on a journal it cannot read, naming it', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bridge-unit-'));
    await writeFile(path.join(dir, JOURNAL_NAME), '{"something":"else"}');
    await expect(start(fakeHub({ files: {}, lif: () => [500, {}] }).fetch)).rejects.toThrow(/is not a bridge journal/);
  });
});
