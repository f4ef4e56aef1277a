// Fuzzing every REST route with fast-check. The routes come from the app's own OpenAPI document, so
// a new route is fuzzed without anyone adding it here. Writes get hostile input that is invalid by
// construction (a bad path id, an unknown or prototype-polluting key in a strict body, a required
// field of the wrong type, a body that is not JSON or not an object, the wrong content type, a
// forged session, a bad idempotency key), each on top of hostile values everywhere else: every one
// must be refused with a 4xx in the one error shape and leave every table as it was. Reads get any
// hostile path and query and must never answer 5xx. Throughout: no 5xx, no error logged, no
// unhandled rejection, Object.prototype untouched.
// Short under `npm test`; LONG=1 (npm run test:fuzz) for about 9,000 requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import pino from 'pino';
import { randomBytes, randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { allTables, builders, dumpTables, signIn, type Client } from '../helpers/registry.js';
import { brokenJsonText, hostileJson, hostileKey, hostileString, invalidIdSegment, jsonText, obj, urlEncode, type J } from '../helpers/hostile.js';
import { reportFigures, sized } from '../helpers/budget.js';

const CASES = sized(900, 9_000);

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  nullable?: boolean;
}
interface Param {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: JsonSchema;
}
interface Op {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  params: Param[];
  /** The documented request body: its content type and schema (none: the route takes no body, or a raw file). */
  body?: { type: string; schema?: JsonSchema };
  label: string;
}
interface Case {
  defect: string;
  method: Op['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** JSON types a schema admits, or null when it does not say. */
function typesOf(s: JsonSchema | undefined): Set<string> | null {
  if (!s) return null;
  const out = new Set<string>();
  if (s.type) for (const t of [s.type].flat()) out.add(t);
  if (s.nullable) out.add('null');
  for (const v of [...(s.enum ?? []), ...('const' in s ? [s.const] : [])]) out.add(v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) {
    const t = typesOf(sub);
    if (!t) return null;
    t.forEach((x) => out.add(x));
  }
  if (out.has('integer')) out.add('number');
  return out.size ? out : null;
}

/** A value of a JSON type the schema refuses (never one loose coercion could turn into a valid one). */
function wrongValue(types: Set<string>): fc.Arbitrary<J> | null {
  if (!types.has('string') && !types.has('number')) return hostileString.filter((x) => x.trim() !== '' && Number.isNaN(Number(x)));
  if (!types.has('string')) return fc.constantFrom<J>('abc', "' OR 1=1 --", '<img src=x onerror=alert(1)>', '__proto__');
  if (!types.has('object')) return fc.constantFrom<J>(obj([['$gt', '']]), obj([['toString', 1]]), obj([]));
  if (!types.has('array')) return fc.constantFrom<J>([1, 2], [], [[[]]]);
  return null;
}

const asciiHeader = (s: string) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 500);
const forgedToken = fc.oneof(
  hostileString.map(asciiHeader),
  fc.constant(null).map(() => randomBytes(32).toString('base64url')),
  fc.constantFrom('null', 'undefined', '', ' ', 'a'.repeat(43), '../../', "' OR '1'='1"),
);

describe('fuzz: every REST route with hostile input', () => {
  let t: TestApp;
  let admin: Client;
  let ops: Op[] = [];
  let ids: number[] = [];
  let tables: string[] = [];
  const errorLogs: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);
  let protoBefore: string[] = [];
  const figures = { requests: 0, byStatus: {} as Record<string, number>, http5xx: 0, byDefect: {} as Record<string, number> };

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
    const logger = pino({ level: 'error' }, { write: (line: string) => void errorLogs.push(line) });
    t = await startTestApp({ logger, env: { RATE_WRITE_MAX: '100000000', RATE_READ_MAX: '100000000', RATE_LOGIN_MAX: '100000000' } });
    admin = await signIn(t, 'admin');
    const b = builders(admin);
    const meet = await b.meet();
    const event = await b.event(meet.id);
    const athlete = await b.athlete();
    const entry = await b.entry(event.id, athlete.id, 'FZ1');
    const [heat] = await b.ok('POST', `/api/events/${event.id}/heats`, { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: entry.id, lane: 4 }] }] });
    ids = [meet.id, event.id, athlete.id, entry.id, heat.id, t.users.admin.id];
    await t.app.ready();
    const spec = (t.app as unknown as { swagger(): { paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: { content: Record<string, { schema?: JsonSchema }> } }>> } }).swagger();
    ops = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([m, op]) => {
        const content = Object.entries(op.requestBody?.content ?? {})[0];
        return { method: m.toUpperCase() as Op['method'], path, params: op.parameters ?? [], body: content ? { type: content[0], schema: content[1].schema } : undefined, label: `${m.toUpperCase()} ${path}` };
      }),
    );
    // Sessions are touched by every signed-in request (sliding expiry): everything else must stay as it was.
    tables = await allTables(t.db.sql, ['sessions']);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    reportFigures('fuzz-rest', { routes: ops.length, ...figures, unhandledRejections: unhandled.length, errorLogs: errorLogs.length });
    await t?.close();
  });

  const pathWith = (op: Op, values: Record<string, string>) => op.path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '1');
  const validParam = (p: Param): fc.Arbitrary<string> => {
    const t = typesOf(p.schema);
    if (p.schema?.enum?.length) return fc.constantFrom(...p.schema.enum.map(String));
    if (t?.has('number')) return fc.constantFrom(...ids.map(String));
    return hostileString.map((s) => urlEncode(s.slice(0, 200)));
  };
  const anyParam = (p: Param) => fc.oneof(validParam(p), invalidIdSegment, hostileString.map((s) => urlEncode(s.slice(0, 2000))));
  const pathParams = (op: Op, arb: (p: Param) => fc.Arbitrary<string>) =>
    fc.record(Object.fromEntries(op.params.filter((p) => p.in === 'path').map((p) => [p.name, arb(p)])) as Record<string, fc.Arbitrary<string>>);
  const query = (op: Op) =>
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...op.params.filter((p) => p.in === 'query').map((p) => p.name), 'q'), hostileKey), fc.oneof(hostileString, fc.constantFrom(...ids.map(String)))), { maxLength: 4 })
      .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${urlEncode(k)}=${urlEncode(v.slice(0, 5000))}`).join('&')}` : ''));
  const session = () => ({ authorization: `Bearer ${admin.token!}` });
  const idemHeader = (op: Op): Record<string, string> => (op.params.some((p) => p.in === 'header' && p.name === 'idempotency-key') ? { 'idempotency-key': randomUUID() } : {});

  /** A hostile body around the schema's own fields (their values hostile too), as JSON text. */
  const hostileBody = (schema: JsonSchema | undefined): fc.Arbitrary<J> => {
    const props = Object.keys(schema?.properties ?? {});
    if (!props.length) return hostileJson;
    return fc.array(fc.tuple(fc.constantFrom(...props), hostileJson), { maxLength: props.length }).map(obj);
  };

  /** Requests to a write route, each invalid by construction (one arbitrary per kind of defect). */
  function refusedWrites(op: Op): fc.Arbitrary<Case>[] {
    const isJson = op.body?.type === 'application/json';
    const schema = op.body?.schema;
    const hasIdParam = op.params.some((p) => p.in === 'path' && typesOf(p.schema)?.has('number'));
    const base = (defect: string, url: fc.Arbitrary<string>, headers: fc.Arbitrary<Record<string, string>>, payload: fc.Arbitrary<string | undefined>) =>
      fc.tuple(url, headers, payload).map(([u, h, p]): Case => ({ defect, method: op.method, url: u, headers: h, payload: p }));
    const validUrl = pathParams(op, validParam).map((v) => pathWith(op, v));
    const someBody: fc.Arbitrary<string | undefined> = isJson ? hostileBody(schema).map(jsonText) : op.body?.type === 'text/csv' ? hostileString : fc.constant(undefined);
    const bodyHeaders = (h: Record<string, string>) => (op.body ? { 'content-type': op.body.type, ...h } : h);
    const kinds: fc.Arbitrary<Case>[] = [];
    if (op.label !== 'POST /api/auth/login') {
      kinds.push(base('forged session', validUrl, forgedToken.chain((tok) => fc.constantFrom<Record<string, string>>({ authorization: `Bearer ${tok}` }, { cookie: `athsys_session=${urlEncode(tok)}` }, {})).map((h) => bodyHeaders({ ...h, ...idemHeader(op) })), someBody));
    }
    if (hasIdParam) {
      const badUrl = pathParams(op, (p) => (typesOf(p.schema)?.has('number') ? fc.oneof(invalidIdSegment, fc.constantFrom('987654321', '9007199254740991')) : validParam(p))).map((v) => pathWith(op, v));
      kinds.push(base('bad path id', badUrl, fc.constant(null).map(() => bodyHeaders({ ...session(), ...idemHeader(op) })), someBody));
    }
    if (op.params.some((p) => p.in === 'header' && p.name === 'idempotency-key' && p.required)) {
      const badKey = fc.oneof(hostileString.map(asciiHeader), fc.constantFrom('short', 'x'.repeat(201), 'has space here', "key';--")).filter((k) => !/^[A-Za-z0-9_.:-]{8,200}$/.test(k));
      kinds.push(base('bad idempotency key', validUrl, badKey.map((k) => bodyHeaders({ ...session(), 'idempotency-key': k })), someBody));
    }
    if (isJson) {
      const headers = fc.constant(null).map(() => bodyHeaders({ ...session(), ...idemHeader(op) }));
      if (schema?.additionalProperties === false) {
        const props = Object.keys(schema.properties ?? {});
        const extra = fc.tuple(hostileBody(schema), hostileKey.filter((k) => !props.includes(k)), hostileJson).map(([b, k, v]) => jsonText(obj([...(b as { entries: [string, J][] }).entries ?? [], [k, v]])));
        kinds.push(base('unknown key', validUrl, headers, extra));
      }
      const required = (schema?.required ?? []).map((name) => ({ name, wrong: wrongValue(typesOf(schema?.properties?.[name]) ?? new Set()) })).filter((r) => typesOf(schema?.properties?.[r.name]) && r.wrong);
      if (required.length) {
        const wrong = fc.constantFrom(...required).chain((r) => fc.tuple(hostileBody(schema), r.wrong!).map(([b, v]) => jsonText(obj([...((b as { entries?: [string, J][] }).entries ?? []).filter(([k]) => k !== r.name), [r.name, v]]))));
        kinds.push(base('required field of the wrong type', validUrl, headers, wrong));
      }
      kinds.push(base('not JSON', validUrl, headers, brokenJsonText));
      if (typesOf(schema)?.has('object') && !typesOf(schema)?.has('array')) {
        kinds.push(base('not an object', validUrl, headers, fc.oneof(fc.array(hostileJson, { maxLength: 3 }), hostileString, fc.integer(), fc.constant(null)).map((j) => jsonText(j as J))));
      }
      kinds.push(base('wrong content type', validUrl, fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'text/csv').map((ct) => ({ ...session(), ...idemHeader(op), 'content-type': ct })), hostileString));
    }
    if (op.body?.type === 'text/csv') {
      kinds.push(base('CSV with unknown columns', validUrl, fc.constant(null).map(() => bodyHeaders(session())), fc.array(hostileString.filter((s) => s.length < 100), { minLength: 1, maxLength: 4 }).map((cols) => `${cols.map((c) => `"zz${c.replace(/"/g, '""')}"`).join(',')}\n1,2,3\n`)));
      kinds.push(base('wrong content type', validUrl, fc.constant(null).map(() => ({ ...session(), 'content-type': 'application/json' })), hostileJson.map(jsonText)));
    }
    if (!op.body && op.method !== 'DELETE' && op.label.endsWith('/lif')) {
      kinds.push(base('not a results file', validUrl, fc.constantFrom('text/plain', 'application/octet-stream').map((ct) => ({ ...session(), 'content-type': ct })), hostileString));
    }
    return kinds;
  }

  /** Any request to a read route: hostile path values and query strings, signed in or not. */
  function anyRead(op: Op): fc.Arbitrary<Case> {
    return fc.tuple(pathParams(op, anyParam), query(op), fc.boolean()).map(([v, q, signedIn]): Case => ({ defect: 'read', method: op.method, url: pathWith(op, v) + q, headers: signedIn ? session() : {} }));
  }

  it('derives its cases from the OpenAPI document (every documented route is fuzzed)', () => {
    expect(ops.length).toBeGreaterThan(30);
    const writes = ops.filter((o) => o.method !== 'GET');
    // Every write route has at least two ways to be wrong besides a forged session (logout has no input).
    expect(writes.filter((o) => refusedWrites(o).length < 2).map((o) => o.label)).toEqual(['POST /api/auth/logout']);
  });

  it('answers every hostile request with a 2xx or 4xx (reads) or a 4xx (invalid writes), never a 5xx, and changes nothing', async () => {
    const before = await dumpTables(t.db.sql, tables);
    const perRoute = Math.ceil(CASES / ops.length);
    for (const op of ops) {
      const arb = op.method === 'GET' ? anyRead(op) : fc.oneof(...refusedWrites(op));
      await fc.assert(
        fc.asyncProperty(arb, async (c) => {
          const res = await t.app.inject({ method: c.method, url: c.url, headers: c.headers, ...(c.payload !== undefined ? { payload: c.payload } : {}) });
          figures.requests++;
          figures.byStatus[res.statusCode] = (figures.byStatus[res.statusCode] ?? 0) + 1;
          figures.byDefect[c.defect] = (figures.byDefect[c.defect] ?? 0) + 1;
          if (res.statusCode >= 500) figures.http5xx++;
          const what = `${c.defect}: ${c.method} ${c.url.slice(0, 300)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, what).toBeLessThan(500);
          if (c.defect !== 'read') {
            expect(res.statusCode, what).toBeGreaterThanOrEqual(400);
            expect(res.json<{ error: { code: string; message: string } }>().error.code, what).toEqual(expect.any(String));
          }
          // An HTML answer never carries request markup back unescaped.
          if (String(res.headers['content-type'] ?? '').includes('html')) expect(res.body, what).not.toMatch(/<(img|script|svg|iframe)[\s>]/i);
        }),
        { numRuns: perRoute, endOnFailure: true },
      );
      expect(await dumpTables(t.db.sql, tables), `${op.label} changed stored data`).toEqual(before);
    }
    expect(figures.http5xx).toBe(0);
    expect(figures.requests).toBeGreaterThanOrEqual(CASES);
  }, sized(240_000, 1_800_000));

  it('logged no error, raised no unhandled rejection and left Object.prototype alone', () => {
    expect(errorLogs).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
