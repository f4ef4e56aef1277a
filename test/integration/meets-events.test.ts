import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { redisAvailable } from '../helpers/services.js';
import { builders, clientWith, signIn, type Client } from '../helpers/registry.js';

const withRedis = await redisAvailable();

describe('meet and event routes', () => {
  let t: TestApp;
  let chief: Client;
  let anon: Client;
  let b: ReturnType<typeof builders>;

  beforeAll(async () => {
    t = await startTestApp();
    chief = await signIn(t, 'chief_registrar');
    anon = clientWith(t, null);
    b = builders(await signIn(t, 'admin'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a meet with defaults, audited, and serves it to anonymous readers', async () => {
    const res = await chief.call('POST', '/api/meets', { name: 'Night of 10,000m PBs', startDate: '2026-05-16', endDate: '2026-05-16', venue: 'Parliament Hill' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Night of 10,000m PBs', startDate: '2026-05-16', endDate: '2026-05-16', venue: 'Parliament Hill',
      status: 'draft', registrationOpen: false, registrationDeadline: null, pointsScheme: [10, 8, 6, 5, 4, 3, 2, 1],
    });
    const one = await anon.call('GET', `/api/meets/${res.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(res.body);
    const list = await anon.call('GET', '/api/meets?limit=200');
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { id: number }) => m.id)).toContain(res.body.id);
    const [audit] = await t.db.sql`SELECT user_id, details FROM audit_log WHERE action = 'meet.create' AND entity_id = ${String(res.body.id)}`;
    expect(audit!.user_id).toBe(t.users.chief_registrar.id);
    expect(audit!.details.after).toMatchObject({ name: 'Night of 10,000m PBs' });
  });

  it('lists meets newest first, filtered by status and paginated', async () => {
    const status = 'cancelled';
    const a = await b.meet({ startDate: '2030-01-01', endDate: '2030-01-01', status });
    const c = await b.meet({ startDate: '2030-03-01', endDate: '2030-03-02', status });
    const d = await b.meet({ startDate: '2030-02-01', endDate: '2030-02-01', status });
    const res = await anon.call('GET', `/api/meets?status=${status}`);
    expect(res.body.items.map((m: { id: number }) => m.id)).toEqual([c.id, d.id, a.id]);
    expect(res.body.total).toBe(3);
    const page = await anon.call('GET', `/api/meets?status=${status}&limit=1&offset=1`);
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.body.items.map((m: { id: number }) => m.id)).toEqual([d.id]);
  });

  it('patches a meet (audited with before and after) and refuses an end before the stored start', async () => {
    const m = await b.meet({ startDate: '2026-07-10', endDate: '2026-07-11' });
    const res = await chief.call('PATCH', `/api/meets/${m.id}`, { status: 'open', registrationOpen: true, pointsScheme: [8, 6, 4, 2] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'open', registrationOpen: true, pointsScheme: [8, 6, 4, 2] });
    const [audit] = await t.db.sql`SELECT details FROM audit_log WHERE action = 'meet.update' AND entity_id = ${String(m.id)}`;
    expect(audit!.details.before).toMatchObject({ status: 'draft', registrationOpen: false });
    expect(audit!.details.after).toMatchObject({ status: 'open', registrationOpen: true });

    const bad = await chief.call('PATCH', `/api/meets/${m.id}`, { endDate: '2026-07-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_input', field: 'endDate' });
  });

  it('404s on unknown meets and events', async () => {
    expect((await anon.call('GET', '/api/meets/999999')).status).toBe(404);
    expect((await anon.call('GET', '/api/meets/999999/events')).status).toBe(404);
    expect((await anon.call('GET', '/api/events/999999')).status).toBe(404);
    const post = await chief.call('POST', '/api/meets/999999/events', { discipline: '100m', name: 'Men 100m', gender: 'M', kind: 'track' });
    expect(post.status).toBe(404);
    expect(post.body.error).toEqual({ code: 'not_found', message: 'meet not found' });
    expect((await chief.call('PATCH', '/api/meets/999999', { name: 'x' })).status).toBe(404);
    expect((await chief.call('PATCH', '/api/events/999999', { name: 'x' })).status).toBe(404);
  });

  it('numbers events 1, 2, 3 within a meet, independently per meet, even when created at once', async () => {
    const m1 = await b.meet();
    const m2 = await b.meet();
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) => chief.call('POST', `/api/meets/${m1.id}/events`, { discipline: '400m', name: `Heat ${i}`, gender: 'F', kind: 'track' })),
    );
    expect(created.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
    expect(created.map((r) => r.body.eventNumber).toSorted((x: number, y: number) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
    const other = await b.event(m2.id);
    expect(other.eventNumber).toBe(1);
    expect(other).toMatchObject({ meetId: m2.id, ageGroup: 'Senior', windMeasured: false, handTimed: false, status: 'scheduled', scheduledAt: null });
  });

  it('serves the schedule ordered by start time, unscheduled events last', async () => {
    const m = await b.meet();
    const late = await b.event(m.id, { name: 'Late', scheduledAt: '2026-06-01T18:00:00Z' });
    const none = await b.event(m.id, { name: 'Unscheduled' });
    const early = await b.event(m.id, { name: 'Early', scheduledAt: '2026-06-01T09:30:00+02:00' });
    const res = await anon.call('GET', `/api/meets/${m.id}/events`);
    expect(res.status).toBe(200);
    expect(res.body.map((e: { id: number }) => e.id)).toEqual([early.id, late.id, none.id]);
    expect(res.body[0].scheduledAt).toBe('2026-06-01T07:30:00.000Z');
  });

  it('patches an event (audited) and the change shows in its detail and the schedule', async () => {
    const m = await b.meet();
    const e = await b.event(m.id);
    // Prime the caches.
    expect((await anon.call('GET', `/api/events/${e.id}`)).body.name).toBe('Men 100m');
    expect((await anon.call('GET', `/api/meets/${m.id}/events`)).body[0].name).toBe('Men 100m');
    const res = await chief.call('PATCH', `/api/events/${e.id}`, { name: 'Men 100m Final', windMeasured: true, scheduledAt: '2026-06-01T20:05:00Z' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Men 100m Final', windMeasured: true, eventNumber: e.eventNumber });
    expect((await anon.call('GET', `/api/events/${e.id}`)).body.name).toBe('Men 100m Final');
    expect((await anon.call('GET', `/api/meets/${m.id}/events`)).body[0]).toMatchObject({ name: 'Men 100m Final', scheduledAt: '2026-06-01T20:05:00.000Z' });
    const [audit] = await t.db.sql`SELECT details FROM audit_log WHERE action = 'event.update' AND entity_id = ${String(e.id)}`;
    expect(audit!.details.before).toMatchObject({ name: 'Men 100m', windMeasured: false });
    expect(audit!.details.after).toMatchObject({ name: 'Men 100m Final', windMeasured: true });
  });

  it('returns the event detail with its rounds in order and their heats', async () => {
    const m = await b.meet();
    const e = await b.event(m.id);
    const athletes = await Promise.all([1, 2, 3].map(() => b.athlete()));
    const entries = await Promise.all(athletes.map((a, i) => b.entry(e.id, a.id, `D${i}`)));
    await b.ok('POST', `/api/events/${e.id}/heats`, { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: entries[0].id, lane: 4 }] }] });
    await b.ok('POST', `/api/events/${e.id}/heats`, {
      mode: 'explicit', round: 'heat', heats: [{ lanes: [{ entryId: entries[1].id, lane: 3 }, { entryId: entries[2].id, lane: 5 }] }, { lanes: [] }],
    });
    const res = await anon.call('GET', `/api/events/${e.id}`);
    expect(res.status).toBe(200);
    expect(res.body.rounds.map((r: { round: string }) => r.round)).toEqual(['heat', 'final']);
    expect(res.body.rounds[0].heats.map((h: { number: number; laneCount: number }) => [h.number, h.laneCount])).toEqual([[1, 2], [2, 0]]);
    expect(res.body.rounds[1].heats[0]).toMatchObject({ round: 'final', number: 1, status: 'scheduled', laneCount: 1, version: 1, windMps: null });
  });
});

// The public reads go through the read cache: memory in single-node mode, Redis in multi-node mode.
describe.each([
  { name: 'memory cache', redis: false },
  ...(withRedis ? [{ name: 'Redis cache', redis: true }] : []),
])('public read cache ($name)', ({ redis }) => {
  let t: TestApp;
  let chief: Client;
  let anon: Client;
  let b: ReturnType<typeof builders>;

  beforeAll(async () => {
    t = await startTestApp({ redis, env: { CACHE_TTL_S: '300' } });
    chief = await signIn(t, 'chief_registrar');
    anon = clientWith(t, null);
    b = builders(chief);
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves a meet from the cache, and a PATCH through the API replaces it', async () => {
    const m = await b.meet({ name: 'Before' });
    expect((await anon.call('GET', `/api/meets/${m.id}`)).body.name).toBe('Before');
    // Changed behind the API's back: the cached copy is still served, so the cache is really in use.
    await t.db.sql`UPDATE meets SET name = 'Behind the back' WHERE id = ${m.id}`;
    expect((await anon.call('GET', `/api/meets/${m.id}`)).body.name).toBe('Before');
    await chief.call('PATCH', `/api/meets/${m.id}`, { name: 'After' });
    expect((await anon.call('GET', `/api/meets/${m.id}`)).body.name).toBe('After');
  });

  it('drops the cached meet list when a meet is created or patched', async () => {
    const before = await anon.call('GET', '/api/meets?limit=200');
    const m = await b.meet({ name: 'Fresh', startDate: '2040-01-01', endDate: '2040-01-01' });
    const afterCreate = await anon.call('GET', '/api/meets?limit=200');
    expect(afterCreate.body.total).toBe(before.body.total + 1);
    expect(afterCreate.body.items[0]).toMatchObject({ id: m.id, name: 'Fresh' });
    await chief.call('PATCH', `/api/meets/${m.id}`, { name: 'Renamed' });
    expect((await anon.call('GET', '/api/meets?limit=200')).body.items[0].name).toBe('Renamed');
  });

  it('drops the cached schedule when an event is created or patched, and the event detail when heats are made', async () => {
    const m = await b.meet();
    expect((await anon.call('GET', `/api/meets/${m.id}/events`)).body).toEqual([]);
    const e = await b.event(m.id);
    expect((await anon.call('GET', `/api/meets/${m.id}/events`)).body.map((x: { id: number }) => x.id)).toEqual([e.id]);

    await t.db.sql`UPDATE events SET name = 'Behind the back' WHERE id = ${e.id}`;
    expect((await anon.call('GET', `/api/events/${e.id}`)).body.name).toBe('Behind the back');
    await t.db.sql`UPDATE events SET name = 'Stale' WHERE id = ${e.id}`;
    expect((await anon.call('GET', `/api/events/${e.id}`)).body.name).toBe('Behind the back');
    await chief.call('PATCH', `/api/events/${e.id}`, { status: 'in_progress' });
    expect((await anon.call('GET', `/api/events/${e.id}`)).body).toMatchObject({ name: 'Stale', status: 'in_progress' });
    expect((await anon.call('GET', `/api/meets/${m.id}/events`)).body[0]).toMatchObject({ status: 'in_progress' });

    expect((await anon.call('GET', `/api/events/${e.id}`)).body.rounds).toEqual([]);
    await b.ok('POST', `/api/events/${e.id}/heats`, { mode: 'explicit', round: 'final', heats: [{ lanes: [] }] });
    expect((await anon.call('GET', `/api/events/${e.id}`)).body.rounds).toHaveLength(1);
  });
});
