import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { bearer, startTestApp, type TestApp } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { lifFromEvt, writeLif } from '../helpers/lynx.js';
import { parseEvt } from '../../server/lynx/evt.js';
import { parseSch } from '../../server/lynx/sch.js';
import { parsePpl } from '../../server/lynx/ppl.js';
import { parseCsv } from '../../shared/csv.js';
import type { Role } from '../../shared/permissions.js';
import type { HeatSnapshot, SnapshotRow } from '../../shared/schemas/results.js';

describe('FinishLynx routes and results exports', () => {
  let t: TestApp;
  const tokens = {} as Record<Role, string>;
  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ['starter', 'chief_registrar', 'registrar', 'viewer', 'admin'] as const) tokens[role] = await t.login(role);
  });
  afterAll(async () => {
    await t.close();
  });

  const download = (meetId: number, file: string, role: Role | null = 'starter', headers: Record<string, string> = {}, query = '') =>
    t.app.inject({ url: `/api/meets/${meetId}/lynx/${file}${query}`, headers: { ...(role ? bearer(tokens[role]) : {}), ...headers } });
  const upload = (url: string, bytes: Uint8Array | string, opts: { role?: Role | null; type?: string; headers?: Record<string, string> } = {}) =>
    t.app.inject({
      method: 'POST', url, payload: typeof bytes === 'string' ? bytes : Buffer.from(bytes),
      headers: { 'content-type': opts.type ?? 'application/octet-stream', ...(opts.role === null ? {} : bearer(tokens[opts.role ?? 'starter'])), ...opts.headers },
    });
  const evtOf = async (meetId: number) => {
    const res = await download(meetId, 'evt');
    expect(res.statusCode, res.body).toBe(200);
    return res.body;
  };
  /** Everything an import could have touched in a heat. */
  const heatState = async (heatId: number) => ({
    results: await t.db.sql`SELECT entry_id, time_ms, status, dq_rule, judged_place, place, revision FROM results WHERE heat_id = ${heatId} ORDER BY entry_id`,
    revisions: await t.db.sql`SELECT rv.* FROM result_revisions rv JOIN results r ON r.id = rv.result_id WHERE r.heat_id = ${heatId} ORDER BY rv.id`,
    heat: await t.db.sql`SELECT version, wind_mps, status FROM heats WHERE id = ${heatId}`,
    audit: await t.db.sql`SELECT action FROM audit_log WHERE entity_type = 'heat' AND entity_id = ${String(heatId)} ORDER BY id`,
    imports: await t.db.sql`SELECT content_hash, idempotency_key FROM lynx_imports WHERE heat_id = ${heatId} ORDER BY id`,
  });
  const snapshot = async (heatId: number) => (await t.app.inject({ url: `/api/heats/${heatId}` })).json<HeatSnapshot>();
  const finishOf = (f: HeatFixture, heat: number, times: (number | string)[]) => Object.fromEntries(f.lanes[heat]!.map((l, i) => [l.bib, times[i]!]));
  const race = (f: { eventNumber: number }, round: number, heat = 1) => ({ eventNumber: f.eventNumber, round, heat });

  // createHeats does not say the event number: read it once per fixture.
  const heats = async (opts: Parameters<typeof createHeats>[1]) => {
    const f = await createHeats(t.db.sql, opts);
    const [{ n }] = await t.db.sql<[{ n: number }]>`SELECT event_number AS n FROM events WHERE id = ${f.eventId}`;
    return { ...f, eventNumber: n } as HeatFixture & { eventNumber: number };
  };

  describe('start-list downloads', () => {
    it('need results:write or meets:write', async () => {
      const f = await heats({ lanes: 2 });
      expect((await download(f.meetId, 'evt', null)).statusCode).toBe(401);
      expect((await download(f.meetId, 'evt', 'viewer')).statusCode).toBe(403);
      expect((await download(f.meetId, 'ppl', 'registrar')).statusCode).toBe(403);
      expect((await download(f.meetId, 'sch', 'starter')).statusCode).toBe(200);
      expect((await download(f.meetId, 'sch', 'chief_registrar')).statusCode).toBe(200);
      expect((await download(999_999, 'evt')).statusCode).toBe(404);
      expect((await download(f.meetId, 'lif')).statusCode).toBe(400);
    });

    it('evt, sch and ppl hold the races in running order, bibs as IDs, stable round numbers, no scratched entry', async () => {
      const meet = await heats({ heats: 2, lanes: 3, round: 'heat', names: ['Stefánsson', 'Jones, Jr.', 'Nguyễn', 'Okafor', 'Smith', 'Doe'] });
      const final = await heats({ meetId: meet.meetId, lanes: 2, round: 'final', discipline: '200m', distanceM: 200 });
      await t.db.sql`UPDATE athletes SET first_name = 'Ólafur' WHERE id = ${meet.lanes[0]![0]!.athleteId}`;
      await t.db.sql`UPDATE entries SET status = 'scratched' WHERE id = ${meet.lanes[1]![2]!.entryId}`;
      await t.db.sql`UPDATE events SET scheduled_at = '2026-12-04T10:00:00Z' WHERE id = ${final.eventId}`;
      await t.db.sql`UPDATE events SET scheduled_at = '2026-12-04T11:00:00Z' WHERE id = ${meet.eventId}`;

      const evt = await download(meet.meetId, 'evt');
      expect(evt.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(evt.headers['content-disposition']).toBe('attachment; filename="lynx.evt"');
      const races = parseEvt(evt.body);
      expect(races.map((r) => [r.eventNumber, r.round, r.heat, r.lanes.map((l) => [l.id, l.lane])])).toEqual([
        [final.eventNumber, 3, 1, final.lanes[0]!.map((l) => [l.bib, l.lane])],
        [meet.eventNumber, 1, 1, meet.lanes[0]!.map((l) => [l.bib, l.lane])],
        [meet.eventNumber, 1, 2, meet.lanes[1]!.slice(0, 2).map((l) => [l.bib, l.lane])],
      ]);
      expect(races[1]!.lanes[0]).toMatchObject({ lastName: 'Stefánsson', firstName: 'Ólafur', affiliation: meet.lanes[0]![0]!.country });
      expect(races[1]!.lanes[1]!.lastName).toBe('Jones, Jr.');
      expect(evt.body).toContain('"Jones, Jr."');

      const sch = await download(meet.meetId, 'sch');
      expect(parseSch(sch.body)).toEqual(races.map((r) => ({ eventNumber: r.eventNumber, round: r.round, heat: r.heat })));
      expect(sch.body.startsWith('; Fixture Meet')).toBe(true);

      const ppl = parsePpl((await download(meet.meetId, 'ppl')).body);
      expect(ppl).toHaveLength(8);
      expect(ppl).toContainEqual({ id: meet.lanes[0]![2]!.bib, lastName: 'Nguyễn', firstName: 'Test', affiliation: meet.lanes[0]![2]!.country });
    });

    it('comes in Windows-1252 on request, with an ETag that answers 304 until the start list changes', async () => {
      const f = await heats({ lanes: 2, names: ['Þórsson', 'Nguyễn'] });
      const ansi = await download(f.meetId, 'evt', 'starter', {}, '?encoding=windows-1252');
      expect(ansi.headers['content-type']).toBe('text/plain; charset=windows-1252');
      expect(ansi.rawPayload.includes(0xde)).toBe(true); // Þ as one byte
      expect(ansi.rawPayload.toString('latin1')).toContain('Nguyen');

      const first = await download(f.meetId, 'evt');
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect((await download(f.meetId, 'evt', 'starter', { 'if-none-match': etag })).statusCode).toBe(304);
      await t.db.sql`UPDATE heat_lanes SET lane = 7 WHERE entry_id = ${f.lanes[0]![1]!.entryId}`;
      const changed = await download(f.meetId, 'evt', 'starter', { 'if-none-match': etag });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers.etag).not.toBe(etag);
      expect(parseEvt(changed.body)[0]!.lanes.map((l) => l.lane)).toEqual([1, 7]);
    });
  });

  describe('LIF import', () => {
    it('round trip: start list exported as evt -> a LIF written from it -> imported -> ranked by the judges\' places', async () => {
      const f = await heats({ lanes: 6, round: 'final', windMeasured: true });
      const heatId = f.heatIds[0]!;
      // Lanes 3 and 4 share the thousandths: the photo decides (place 1 for lane 4), not a tie.
      const lif = lifFromEvt(await evtOf(f.meetId), race(f, 3), finishOf(f, 0, [10_321, 10_110, 10_050, 10_050, 'DNF', 'DQ TR16.8']), {
        wind: '+2.03', reactions: { [f.lanes[0]![1]!.bib]: '0.098' },
      });
      // FinishLynx listed lane 3 before lane 4 with places 1, 2; make the judges' decision the other way round.
      const text = Buffer.from(lif).toString('utf8').replace(`1,${f.lanes[0]![2]!.bib},`, 'X').replace(`2,${f.lanes[0]![3]!.bib},`, `1,${f.lanes[0]![3]!.bib},`).replace('X', `2,${f.lanes[0]![2]!.bib},`);
      const res = await upload(`/api/heats/${heatId}/lif`, text, { type: 'text/plain' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ heatId, replay: false, results: 6, pending: 0, eventNumber: f.eventNumber, round: 3, heat: 1, encoding: 'utf-8' });
      const snap = await snapshot(heatId);
      expect(snap.version).toBe(res.json().version);
      expect(snap.windMps).toBe(2.1); // +2.03 rounds up: wind-assisted
      expect(snap.rows.map((r) => [r.place, r.lane, r.time, r.status, r.dqRule, r.flags])).toEqual([
        [1, 4, '10.05', 'OK', null, ['w']],
        [2, 3, '10.05', 'OK', null, ['w']],
        [3, 2, '10.11', 'OK', null, ['w', 'FS']],
        [4, 1, '10.33', 'OK', null, ['w']],
        [null, 5, null, 'DNF', null, []],
        [null, 6, null, 'DQ', 'TR16.8', []],
      ]);
      const rows = await t.db.sql`SELECT source FROM results WHERE heat_id = ${heatId}`;
      expect(rows.every((r) => r.source === 'lynx')).toBe(true);
    });

    it('the same file twice is one revision; a changed file corrects; going back to the first file applies it again', async () => {
      const f = await heats({ lanes: 3 });
      const heatId = f.heatIds[0]!;
      const evt = await evtOf(f.meetId);
      const a = lifFromEvt(evt, race(f, 3), finishOf(f, 0, [10_500, 10_400, 10_300]));
      const first = await upload(`/api/meets/${f.meetId}/lif`, a);
      expect(first.statusCode, first.body).toBe(200);
      const once = await heatState(heatId);
      const again = await upload(`/api/heats/${heatId}/lif`, a, { headers: { 'idempotency-key': `lif-${createHash('sha256').update(a).digest('hex')}` } });
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json()).toMatchObject({ replay: true, version: first.json().version });
      expect(await heatState(heatId)).toEqual(once);
      expect(once.results.map((r) => r.revision)).toEqual([1, 1, 1]);
      expect(once.audit.map((r) => r.action)).toEqual(['results.submit']);

      const b = lifFromEvt(evt, race(f, 3), finishOf(f, 0, [10_500, 10_400, 10_600]));
      const corrected = await upload(`/api/heats/${heatId}/lif`, b);
      expect(corrected.json()).toMatchObject({ replay: false });
      expect(corrected.json().version).toBeGreaterThan(first.json().version);
      expect((await snapshot(heatId)).rows.map((r) => r.lane)).toEqual([2, 1, 3]);

      const back = await upload(`/api/heats/${heatId}/lif`, a);
      expect(back.json()).toMatchObject({ replay: false });
      expect((await snapshot(heatId)).rows.map((r) => r.lane)).toEqual([3, 2, 1]);
      const state = await heatState(heatId);
      expect(state.audit.map((r) => r.action)).toEqual(['results.submit', 'results.correct', 'results.correct']);
      expect(state.imports).toHaveLength(3);
      expect((await upload(`/api/heats/${heatId}/lif`, a)).json()).toMatchObject({ replay: true, version: back.json().version });
      expect(await heatState(heatId)).toEqual(state);
    });

    it('imports Windows-1252 files and keeps a referee\'s DQ rule the file does not give', async () => {
      const f = await heats({ lanes: 2, names: ['Stefánsson', 'Müller'] });
      const heatId = f.heatIds[0]!;
      const [l1, l2] = f.lanes[0]!;
      await t.app.inject({ method: 'POST', url: `/api/heats/${heatId}/results`, headers: { ...bearer(tokens.starter), 'idempotency-key': 'console-dq-1' }, payload: { results: [{ entryId: l2!.entryId, status: 'DQ', dqRule: 'TR17.3.1' }] } });
      const lif = writeLif(race(f, 3), [
        { place: 1, id: l1!.bib, lastName: 'Stefánsson', firstName: 'Ólafur', time: '10.2341' },
        { place: 'DQ', id: l2!.bib, lastName: 'Müller' },
      ], { encoding: 'windows-1252' });
      const res = await upload(`/api/heats/${heatId}/lif`, lif);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().encoding).toBe('windows-1252');
      const rows = (await heatState(heatId)).results;
      expect(rows.map((r) => [r.time_ms, r.status, r.dq_rule])).toEqual([[10_235, 'OK', null], [null, 'DQ', 'TR17.3.1']]);
    });

    it('refuses bad files with a 4xx that names the problem, and changes nothing', async () => {
      const f = await heats({ lanes: 2 });
      const other = await heats({ meetId: f.meetId, lanes: 1 });
      const heatId = f.heatIds[0]!;
      const evt = await evtOf(f.meetId);
      const good = lifFromEvt(evt, race(f, 3), finishOf(f, 0, [10_000, 10_100]));
      expect((await upload(`/api/heats/${heatId}/lif`, good)).statusCode).toBe(200);
      const before = await heatState(heatId);
      const bib = f.lanes[0]![0]!.bib;
      const cases: [string, Uint8Array | string, { role?: Role | null; type?: string; headers?: Record<string, string> }, number, string, RegExp][] = [
        ['another heat\'s header', lifFromEvt(evt, race(other, 3), { [other.lanes[0]![0]!.bib]: 9_990 }), {}, 400, 'lif_mismatch', new RegExp(`file is for event ${other.eventNumber} round 3 heat 1.*but heat ${heatId} is event ${f.eventNumber} round 3 heat 1`)],
        ['an unknown competitor', writeLif(race(f, 3), [{ place: 1, id: '99999', lastName: 'Ghost', time: 9_000 }, { place: 2, id: bib, time: 9_100 }]), {}, 400, 'unknown_competitor', /99999 \(line 2, Ghost\)/],
        ['garbage', 'hello, world\n', {}, 400, 'invalid_lif', /line 1: event number "hello"/],
        ['a bad time', writeLif(race(f, 3), [{ place: 1, id: bib, time: 'soon' }]), {}, 400, 'invalid_lif', /line 2: time "soon"/],
        ['no results yet', writeLif(race(f, 3), [{ id: bib }]), {}, 400, 'lif_empty', /no result in the file yet/],
        ['an empty body', '', {}, 400, 'invalid_lif', /empty/],
        ['a wrong key', writeLif(race(f, 3), [{ place: 1, id: bib, time: 9_000 }]), { headers: { 'idempotency-key': 'lif-0000000000' } }, 400, 'invalid_input', /does not match/],
        ['JSON', '{"a":1}', { type: 'application/json' }, 415, 'unsupported_media_type', /text\/plain/],
        ['a viewer', good, { role: 'viewer' }, 403, 'forbidden', /may not/],
        ['a registrar', good, { role: 'registrar' }, 403, 'forbidden', /may not/],
        ['nobody', good, { role: null }, 401, 'unauthorized', /sign in/],
        ['2 MB', `7,1,1,x\n${'x'.repeat(2 * 1024 * 1024)}`, {}, 413, 'too_large', /./],
      ];
      for (const [what, body, opts, status, code, message] of cases) {
        const res = await upload(`/api/heats/${heatId}/lif`, body, opts);
        expect(res.statusCode, `${what}: ${res.body}`).toBe(status);
        expect(res.json().error.code, what).toBe(code);
        expect(res.json().error.message, what).toMatch(message);
      }
      const byNumbers = await upload(`/api/meets/${f.meetId}/lif`, writeLif({ eventNumber: 99, round: 1, heat: 1 }, [{ place: 1, id: bib, time: 9_000 }]));
      expect(byNumbers.statusCode).toBe(404);
      expect(byNumbers.json().error.message).toMatch(/no event number 99/);
      const noHeat = await upload(`/api/meets/${f.meetId}/lif`, writeLif(race(f, 1, 4), [{ place: 1, id: bib, time: 9_000 }]));
      expect(noHeat.statusCode).toBe(404);
      expect(noHeat.json().error.message).toMatch(new RegExp(`event ${f.eventNumber} \\(.*\\) has no round 1 heat 4; it has round 3 heat 1`));
      expect((await upload(`/api/heats/999999/lif`, good)).statusCode).toBe(404);
      expect(await heatState(heatId)).toEqual(before);
    });

    it('the same bytes cannot go into a second heat, and an official heat takes no new file', async () => {
      const a = await heats({ lanes: 1 });
      const b = await heats({ lanes: 1 });
      // Two meets, both with an event of the same number: one file names both races.
      await t.db.sql`UPDATE events SET event_number = 40 WHERE id IN (${a.eventId}, ${b.eventId})`;
      const lif = writeLif({ eventNumber: 40, round: 3, heat: 1 }, [{ place: 1, id: a.lanes[0]![0]!.bib, time: 11_000 }]);
      expect((await upload(`/api/meets/${a.meetId}/lif`, lif)).statusCode).toBe(200);
      const twice = await upload(`/api/meets/${b.meetId}/lif`, lif);
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.message).toMatch(new RegExp(`already imported into heat ${a.heatIds[0]}`));

      const status = await t.app.inject({ method: 'POST', url: `/api/heats/${a.heatIds[0]}/status`, headers: { ...bearer(tokens.chief_registrar), 'idempotency-key': 'official-a-1' }, payload: { status: 'official' } });
      expect(status.statusCode).toBe(200);
      expect((await upload(`/api/meets/${a.meetId}/lif`, lif)).json()).toMatchObject({ replay: true }); // a bridge re-sending is fine
      const late = await upload(`/api/meets/${a.meetId}/lif`, writeLif({ eventNumber: 40, round: 3, heat: 1 }, [{ place: 1, id: a.lanes[0]![0]!.bib, time: 11_100 }]));
      expect(late.statusCode).toBe(409);
      expect(late.json().error.code).toBe('heat_official');
    });

    it('NWI leaves the heat\'s wind alone', async () => {
      const f = await heats({ lanes: 1, windMeasured: true });
      const heatId = f.heatIds[0]!;
      await t.db.sql`UPDATE heats SET wind_mps = -0.4 WHERE id = ${heatId}`;
      const res = await upload(`/api/heats/${heatId}/lif`, writeLif(race(f, 3), [{ place: 1, id: f.lanes[0]![0]!.bib, time: 10_000 }], { wind: 'NWI' }));
      expect(res.statusCode, res.body).toBe(200);
      expect((await snapshot(heatId)).windMps).toBe(-0.4);
    });
  });

  describe('results exports', () => {
    it('CSV, JSON and HTML of an event and CSV, JSON of a meet; HTML escapes every value, CSV defuses formulas', async () => {
      const f = await heats({ lanes: 3, windMeasured: true, names: ['<script>alert("x")</script>', "O'Neil & Sons", '=HYPERLINK("http://evil")'] });
      const heatId = f.heatIds[0]!;
      await t.db.sql`UPDATE athletes SET first_name = 'Ólafur', club = '<b>Club</b>' WHERE id = ${f.lanes[0]![0]!.athleteId}`;
      const lif = lifFromEvt(await evtOf(f.meetId), race(f, 3), finishOf(f, 0, [10_521, 10_100, 'DNS']), { wind: '+1.2' });
      expect((await upload(`/api/heats/${heatId}/lif`, lif)).statusCode).toBe(200);

      const json = await t.app.inject({ url: `/api/events/${f.eventId}/results.json` });
      expect(json.statusCode).toBe(200);
      const body = json.json();
      expect(body.event).toMatchObject({ id: f.eventId, eventNumber: f.eventNumber });
      const snap = await snapshot(heatId);
      const withoutNames = ({ firstName: _f, lastName: _l, ...r }: SnapshotRow & { firstName?: string; lastName?: string }) => r;
      expect(body.heats[0].rows.map(withoutNames)).toEqual(snap.rows.map(withoutNames));
      expect(body.heats[0].rows[1]).toMatchObject({ lastName: '<script>alert("x")</script>', firstName: 'Ólafur', time: '10.53' });

      const csv = await t.app.inject({ url: `/api/events/${f.eventId}/results.csv` });
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="results-event-${f.eventNumber}.csv"`);
      const [head, ...rows] = parseCsv(csv.body);
      expect(head!.slice(0, 8)).toEqual(['eventNumber', 'event', 'discipline', 'round', 'heat', 'heatStatus', 'wind', 'place']);
      const col = (name: string) => head!.indexOf(name);
      expect(rows.map((r) => [r[col('place')], r[col('lastName')], r[col('time')], r[col('timeMs')], r[col('status')], r[col('wind')]])).toEqual([
        ['1', "O'Neil & Sons", '10.10', '10100', 'OK', '+1.2'],
        ['2', '<script>alert("x")</script>', '10.53', '10521', 'OK', '+1.2'],
        ['', `'=HYPERLINK("http://evil")`, '', '', 'DNS', '+1.2'],
      ]);

      const html = await t.app.inject({ url: `/api/events/${f.eventId}/results.html` });
      expect(html.statusCode).toBe(200);
      expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(html.body).toContain('@media print');
      expect(html.body).not.toContain('<script>');
      expect(html.body).not.toContain('<b>Club</b>');
      expect(html.body).toContain('&lt;SCRIPT&gt;ALERT(&quot;X&quot;)&lt;/SCRIPT&gt; Ólafur');
      expect(html.body).toContain('&lt;b&gt;Club&lt;/b&gt;');
      expect(html.body).toContain('O&#39;NEIL &amp; SONS');
      expect(html.body).toContain('Wind +1.2 m/s');

      const second = await heats({ meetId: f.meetId, lanes: 1 });
      await upload(`/api/heats/${second.heatIds[0]}/lif`, writeLif(race(second, 3), [{ place: 1, id: second.lanes[0]![0]!.bib, time: 20_000 }]));
      const meetCsv = parseCsv((await t.app.inject({ url: `/api/meets/${f.meetId}/results.csv` })).body);
      expect(meetCsv).toHaveLength(1 + 3 + 1);
      const meetJson = (await t.app.inject({ url: `/api/meets/${f.meetId}/results.json` })).json();
      expect(meetJson.events.map((e: { event: { id: number }; heats: unknown[] }) => [e.event.id, e.heats.length])).toEqual([[f.eventId, 1], [second.eventId, 1]]);

      for (const url of [`/api/events/999999/results.json`, `/api/events/999999/results.csv`, `/api/events/999999/results.html`, `/api/meets/999999/results.csv`, `/api/meets/999999/results.json`]) {
        expect((await t.app.inject({ url })).statusCode, url).toBe(404);
      }
    });
  });
});
