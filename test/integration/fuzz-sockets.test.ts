// Fuzzing every socket event with fast-check: /live (subscribe, unsubscribe, time:now) and /console
// (result:submit, heat:status) with hostile payloads, extra arguments, missing acknowledgements,
// binary attachments, unknown event names, and raw Engine.IO/Socket.IO packets over polling. Console
// writes get payloads invalid by construction and must be refused; nothing may answer `internal`,
// crash, log an error or leave an unhandled rejection; data and Object.prototype stay as they were.
// Short under `npm test`; LONG=1 (npm run test:fuzz) for about 4,000 events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pino from 'pino';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { allTables, dumpTables } from '../helpers/registry.js';
import { ack, connected, connectConsole, connectLive } from '../helpers/sockets.js';
import { hostileJson, hostileJsonShallow, hostileKey, hostileString, jsonText, jsonValue, obj, type J } from '../helpers/hostile.js';
import { reportFigures, sized } from '../helpers/budget.js';
import type { Ack } from '../../shared/schemas/common.js';

const EVENTS = sized(300, 3_600);
const RAW = sized(60, 600);
/** Socket.IO's maxHttpBufferSize on the hub (server/live/io.ts): bigger messages end the connection. */
const MAX_MESSAGE = 256 * 1024;
const RESERVED = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];

interface EmitCase {
  ns: 'live' | 'console';
  event: string;
  args: unknown[];
  /** Wait for an acknowledgement (only for one payload to a known event). */
  withAck: boolean;
  /** Invalid by construction: must be refused. */
  mustRefuse: boolean;
}

describe('fuzz: every socket event with hostile payloads', () => {
  let t: TestApp;
  let f: HeatFixture;
  let token: string;
  let tables: string[];
  let before: Record<string, string>;
  const sockets: Record<'live' | 'console', Socket | null> = { live: null, console: null };
  const errorLogs: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  let protoBefore: string[] = [];
  const figures = { events: 0, forgedHandshakes: 0, rawSessions: 0, acknowledged: 0, refused: 0, accepted: 0, internal: 0, disconnectsByServer: 0, rawPackets: 0, rawStatus: {} as Record<string, number>, http5xx: 0 };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const logger = pino({ level: 'error' }, { write: (line: string) => void errorLogs.push(line) });
    t = await startTestApp({ logger, env: { RATE_WRITE_MAX: '100000000', RATE_READ_MAX: '100000000' } });
    token = await t.login('admin');
    f = await createHeats(t.db.sql, { heats: 2, lanes: 4 });
    tables = await allTables(t.db.sql, ['sessions']);
    before = await dumpTables(t.db.sql, tables);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    sockets.live?.disconnect();
    sockets.console?.disconnect();
    reportFigures('fuzz-sockets', { ...figures, unhandledRejections: unhandled.length, errorLogs: errorLogs.length });
    await t?.close();
  });

  /** The namespace's socket, connected (again, if the hub ended the last one). */
  async function socketOf(ns: 'live' | 'console'): Promise<Socket> {
    const s = sockets[ns];
    if (s?.connected) return s;
    if (s) figures.disconnectsByServer++;
    s?.disconnect();
    const fresh = ns === 'live' ? connectLive(t.url) : connectConsole(t.url, token);
    sockets[ns] = fresh;
    await connected(fresh);
    return fresh;
  }

  // Deep nesting goes as raw packets (last test): Socket.IO's client encoder recurses and would overflow first.
  const payload = hostileJsonShallow.map(jsonValue);
  const binary = fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a));
  /** Built once the fixtures exist (their ids are among the values tried). */
  const emitCases = (): fc.Arbitrary<EmitCase> => {
  const ids = [...f.heatIds, f.eventId, f.meetId, ...f.lanes.flat().map((l) => l.entryId)];
  const liveEvent = fc.oneof(
    fc.record({ event: fc.constantFrom('subscribe', 'unsubscribe'), arg: fc.oneof(payload, fc.constantFrom(...ids).chain((id) => fc.constantFrom({ heatId: id }, { eventId: id }, { meetId: id }, { heatId: id, eventId: id })), binary) }),
    fc.record({ event: fc.constant('time:now'), arg: fc.oneof(payload, fc.constant(undefined)) }),
  );
  /** Console writes that cannot be valid: not an object, an unknown key, or a required field of the wrong type. */
  const refusedWrite = (event: string) => {
    const known = event === 'result:submit' ? ['heatId', 'idempotencyKey', 'results', 'windMps'] : ['heatId', 'idempotencyKey', 'status', 'startedAt'];
    const around = fc.array(fc.tuple(fc.constantFrom(...known), hostileJsonShallow), { maxLength: 4 });
    const valid: [string, J][] = [['heatId', f.heatIds[0]!], ['idempotencyKey', `fuzz-${randomUUID()}`]];
    return fc.oneof(
      fc.oneof(fc.array(hostileJsonShallow, { maxLength: 3 }), hostileString, fc.integer(), fc.constant(null)).map((j) => jsonValue(j as J)),
      binary,
      fc.tuple(around, hostileKey.filter((k) => !known.includes(k)), hostileJsonShallow).map(([rest, k, v]) => jsonValue(obj([...valid, ...rest, [k, v]]))),
      fc.tuple(around, fc.constantFrom<[string, J][]>([['heatId', 'abc']], [['heatId', -1]], [['heatId', 2 ** 63]], [['idempotencyKey', 12345]], [['idempotencyKey', "k'; DROP TABLE results; --"]], [['results', 'all']], [['results', []]], [['status', 'done']])).map(([rest, wrong]) =>
        jsonValue(obj([...valid, ...rest.filter(([k]) => !wrong.some(([w]) => w === k)), ...wrong]))),
    );
  };
  const consoleEvent = fc.constantFrom('result:submit', 'heat:status').chain((event) => fc.record({ event: fc.constant(event), arg: refusedWrite(event) }));
  const unknownEvent = fc.record({ event: hostileString.filter((e) => e.length < 500 && !RESERVED.includes(e) && !['subscribe', 'unsubscribe', 'time:now', 'result:submit', 'heat:status'].includes(e)), arg: payload });

  return fc.oneof(
    // time:now takes only the acknowledgement: with a payload it has nothing to answer.
    fc.tuple(liveEvent, fc.boolean()).map(([e, a]): EmitCase => ({ ns: 'live', event: e.event, args: e.arg === undefined ? [] : [e.arg], withAck: a && (e.event !== 'time:now' || e.arg === undefined), mustRefuse: false })),
    fc.tuple(consoleEvent, fc.boolean()).map(([e, a]): EmitCase => ({ ns: 'console', event: e.event, args: [e.arg], withAck: a, mustRefuse: true })),
    fc.tuple(fc.constantFrom<'live' | 'console'>('live', 'console'), unknownEvent).map(([ns, e]): EmitCase => ({ ns, event: e.event, args: [e.arg], withAck: false, mustRefuse: false })),
    // Extra arguments: the hub's handler sees a payload where it expects the acknowledgement.
    fc.tuple(fc.constantFrom<['live' | 'console', string]>(['live', 'subscribe'], ['live', 'time:now'], ['console', 'result:submit'], ['console', 'heat:status']), fc.array(payload, { minLength: 2, maxLength: 4 }))
      .map(([[ns, event], args]): EmitCase => ({ ns, event, args, withAck: false, mustRefuse: false })),
  );
  };

  it('answers every event with a refusal or a valid answer, never `internal`, and stays up', async () => {
    await fc.assert(
      fc.asyncProperty(emitCases(), async (c) => {
        const s = await socketOf(c.ns);
        figures.events++;
        const size = Buffer.byteLength(JSON.stringify([c.event, ...c.args]));
        const what = `${c.ns} ${c.event.slice(0, 80)} ${JSON.stringify(c.args)?.slice(0, 300)}`;
        if (c.withAck && c.args.length <= 1 && size < MAX_MESSAGE - 512) {
          const res = await ack<Ack<unknown>>(s, c.event, c.args[0], 5000);
          figures.acknowledged++;
          if (res.ok) figures.accepted++;
          else figures.refused++;
          if (!res.ok && res.error.code === 'internal') figures.internal++;
          if (c.mustRefuse) expect(res.ok, what).toBe(false);
          if (!res.ok) expect(['invalid_input', 'not_found'], `${what} -> ${JSON.stringify(res)}`).toContain(res.error.code);
        } else {
          let reason: string | null = null;
          const ended = new Promise<void>((resolve) => s.once('disconnect', (r) => resolve(void (reason = r))));
          s.emit(c.event, ...c.args);
          const probe = () => (c.ns === 'live' ? ack<Ack<unknown>>(s, 'time:now', undefined, 5000) : ack<Ack<unknown>>(s, 'heat:status', {}, 5000));
          // The hub ends a connection that sends an oversized message (as configured); any other still answers.
          if (size > MAX_MESSAGE + 4096) {
            await Promise.race([ended, new Promise((_, reject) => setTimeout(() => reject(new Error(`${size} bytes did not end the connection`)), 5000))]);
          } else if (size > MAX_MESSAGE - 4096) {
            await Promise.race([ended, probe().catch(() => undefined)]); // at the limit, either is right
          } else {
            const res = await probe().catch((err: Error) => err);
            expect(res instanceof Error ? `${res.message} (${reason ?? 'still connected'})` : res.ok ? 'ok' : res.error.code, what).toBe(c.ns === 'live' ? 'ok' : 'invalid_input');
          }
        }
      }),
      { numRuns: EVENTS, endOnFailure: true },
    );
    expect(figures.internal).toBe(0);
  }, sized(120_000, 900_000));

  it('refuses a console handshake with a forged token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString.filter((x) => x.length < 10_000), fc.constant(null).map(() => randomUUID() + randomUUID())), async (forged) => {
        const s = connectConsole(t.url, forged);
        const err = await new Promise<string>((resolve, reject) => {
          s.once('connect', () => reject(new Error('a forged token connected to /console')));
          s.once('connect_error', (e) => resolve(e.message));
          setTimeout(() => reject(new Error(`no answer to the handshake with ${JSON.stringify(forged).slice(0, 200)}`)), 5000);
        });
        s.disconnect();
        figures.forgedHandshakes++;
        expect(err).toMatch(/^unauthorized/);
      }),
      { numRuns: sized(20, 200) },
    );
  });

  it('survives raw Engine.IO / Socket.IO packets over polling, answering 4xx at worst', async () => {
    const packet = fc.oneof(
      hostileString.map((s) => s.slice(0, 20_000)),
      fc.tuple(fc.constantFrom('/live', '/console', '/', '/admin', '/../', ''), hostileJson).map(([nsp, j]) => `40${nsp},${jsonText(j)}`),
      fc.tuple(fc.constantFrom('/live,', '/console,', ''), fc.nat(1000), fc.constantFrom('subscribe', 'result:submit', 'time:now', '__proto__'), hostileJson).map(([nsp, id, ev, j]) => `42${nsp}${id}[${JSON.stringify(ev)},${jsonText(j)}]`),
      fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '9', '4', '41', '43', '44', '45', '46', '4x', '42[', '42["a"', 'b64', `b${'A'.repeat(10)}`, '42/live,["subscribe",{"__proto__":{"polluted":1}}]', '42/live,["subscribe",{"constructor":{"prototype":{"polluted":1}}}]'),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(packet, { minLength: 1, maxLength: 4 }), async (packets) => {
        const open = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`);
        const sid = /"sid":"([^"]+)"/.exec(await open.text())?.[1];
        expect(sid).toBeTruthy();
        const res = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: packets.join('\x1e') });
        await res.arrayBuffer();
        figures.rawSessions++;
        figures.rawPackets += packets.length;
        figures.rawStatus[res.status] = (figures.rawStatus[res.status] ?? 0) + 1;
        if (res.status >= 500) figures.http5xx++;
        expect(res.status, JSON.stringify(packets).slice(0, 500)).toBeLessThan(500);
        // Close the session (if the packets did not end it already).
        await (await fetch(`${t.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: '1' })).arrayBuffer();
      }),
      { numRuns: RAW },
    );
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  }, sized(60_000, 600_000));

  it('changed no data, logged no error, raised no unhandled rejection and left Object.prototype alone', async () => {
    const s = await socketOf('live');
    expect(await ack(s, 'subscribe', { heatId: f.heatIds[0] })).toMatchObject({ ok: true });
    expect(await dumpTables(t.db.sql, tables)).toEqual(before);
    expect(errorLogs).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
