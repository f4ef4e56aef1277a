import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { builders, clientWith, signIn, type Client } from '../helpers/registry.js';

describe('entry routes and the per-meet bib', () => {
  let t: TestApp;
  let registrar: Client;
  let b: ReturnType<typeof builders>;

  beforeAll(async () => {
    t = await startTestApp();
    registrar = await signIn(t, 'registrar');
    b = builders(await signIn(t, 'admin'));
  });
  afterAll(async () => {
    await t.close();
  });

  async function meetWithEvents(n = 2) {
    const meet = await b.meet();
    const events = [];
    for (let i = 0; i < n; i++) events.push(await b.event(meet.id, { name: `Event ${i}` }));
    return { meet, events };
  }

  it('enters an athlete, giving them their bib in the meet, audited', async () => {
    const { meet, events } = await meetWithEvents(1);
    const a = await b.athlete({ firstName: 'Faith', lastName: 'Kipyegon', country: 'KEN', gender: 'F', club: 'Kaptagat AC' });
    const res = await registrar.call('POST', `/api/events/${events[0].id}/entries`, { athleteId: a.id, bib: '101', seedMark: 233_000 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      eventId: events[0].id, meetId: meet.id, athleteId: a.id, bib: '101', firstName: 'Faith', lastName: 'Kipyegon', country: 'KEN',
      club: 'Kaptagat AC', status: 'entered', checkedIn: false, checkedInAt: null, seedMark: 233_000,
    });
    const [bib] = await t.db.sql`SELECT bib FROM meet_athletes WHERE meet_id = ${meet.id} AND athlete_id = ${a.id}`;
    expect(bib!.bib).toBe('101');
    const [audit] = await t.db.sql`SELECT user_id, details FROM audit_log WHERE action = 'entry.create' AND entity_id = ${String(res.body.id)}`;
    expect(audit!.user_id).toBe(t.users.registrar.id);
    expect(audit!.details.after).toMatchObject({ bib: '101', athleteId: a.id });
  });

  it('keeps one bib per athlete per meet: the same bib enters another event, a different one is a 409 on bib', async () => {
    const { events } = await meetWithEvents(3);
    const a = await b.athlete();
    await b.entry(events[0].id, a.id, '7');
    const same = await registrar.call('POST', `/api/events/${events[1].id}/entries`, { athleteId: a.id, bib: '7' });
    expect(same.status).toBe(201);
    expect(same.body.bib).toBe('7');
    const other = await registrar.call('POST', `/api/events/${events[2].id}/entries`, { athleteId: a.id, bib: '8' });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'conflict', field: 'bib' });
    expect(other.body.error.message).toMatch(/already wears bib 7 in this meet/);
  });

  it('refuses a bib worn by another athlete in the meet with a 409 naming field bib and the wearer', async () => {
    const { meet, events } = await meetWithEvents(2);
    const usain = await b.athlete({ firstName: 'Usain', lastName: 'Bolt', country: 'JAM' });
    const other = await b.athlete();
    await b.entry(events[0].id, usain.id, '100');
    const res = await registrar.call('POST', `/api/events/${events[1].id}/entries`, { athleteId: other.id, bib: '100' });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({
      code: 'conflict', field: 'bib', message: `bib 100 is already worn by Usain Bolt (athlete ${usain.id}) in this meet`,
    });
    const rows = await t.db.sql`SELECT athlete_id FROM meet_athletes WHERE meet_id = ${meet.id}`;
    expect(rows.map((r) => r.athlete_id)).toEqual([usain.id]);
  });

  it('lets the same bib be worn in another meet', async () => {
    const one = await meetWithEvents(1);
    const two = await meetWithEvents(1);
    await b.entry(one.events[0].id, (await b.athlete()).id, '55');
    const res = await registrar.call('POST', `/api/events/${two.events[0].id}/entries`, { athleteId: (await b.athlete()).id, bib: '55' });
    expect(res.status).toBe(201);
  });

  it('gives a bib to one of two athletes claiming it at the same moment', async () => {
    const { events } = await meetWithEvents(1);
    const [x, y] = [await b.athlete(), await b.athlete()];
    const res = await Promise.all([x, y].map((a) => registrar.call('POST', `/api/events/${events[0].id}/entries`, { athleteId: a.id, bib: '999' })));
    expect(res.map((r) => r.status).toSorted()).toEqual([201, 409]);
    expect(res.find((r) => r.status === 409)!.body.error.field).toBe('bib');
  });

  it('refuses a second entry of the athlete in the same event (409 on athleteId)', async () => {
    const { events } = await meetWithEvents(1);
    const a = await b.athlete();
    await b.entry(events[0].id, a.id, '12');
    const res = await registrar.call('POST', `/api/events/${events[0].id}/entries`, { athleteId: a.id, bib: '12' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', field: 'athleteId', message: 'this athlete is already entered in this event' });
  });

  it('404s for an unknown event or athlete', async () => {
    const { events } = await meetWithEvents(1);
    const a = await b.athlete();
    const noEvent = await registrar.call('POST', '/api/events/999999/entries', { athleteId: a.id, bib: '1' });
    expect(noEvent.status).toBe(404);
    expect(noEvent.body.error).toEqual({ code: 'not_found', message: 'event not found' });
    const noAthlete = await registrar.call('POST', `/api/events/${events[0].id}/entries`, { athleteId: 999_999, bib: '1' });
    expect(noAthlete.status).toBe(404);
    expect(noAthlete.body.error).toEqual({ code: 'not_found', message: 'athlete 999999 not found', field: 'athleteId' });
    expect((await registrar.call('PATCH', '/api/entries/999999', { checkedIn: true })).status).toBe(404);
    expect((await registrar.call('GET', '/api/events/999999/entries')).status).toBe(404);
  });

  it('refuses entries beyond the event\'s maximum, not counting scratched ones', async () => {
    const meet = await b.meet();
    const event = await b.event(meet.id, { maxParticipants: 1 });
    await b.entry(event.id, (await b.athlete()).id, 'M1', { status: 'scratched' });
    await b.entry(event.id, (await b.athlete()).id, 'M2');
    const res = await registrar.call('POST', `/api/events/${event.id}/entries`, { athleteId: (await b.athlete()).id, bib: 'M3' });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe('the event is full (1 participants)');
    // Nor may a scratched entry come back while the event is full.
    const [scratched] = (await registrar.call('GET', `/api/events/${event.id}/entries?status=scratched`)).body.items;
    const back = await registrar.call('PATCH', `/api/entries/${scratched.id}`, { status: 'entered' });
    expect(back.status).toBe(409);
    expect(back.body.error.message).toBe('the event is full (1 participants)');
  });

  it('checks in (stamping checked_in_at once), checks out, scratches and clears a seed mark', async () => {
    const { events } = await meetWithEvents(1);
    const e = await b.entry(events[0].id, (await b.athlete()).id, '31', { seedMark: 10_500 });
    const inRes = await registrar.call('PATCH', `/api/entries/${e.id}`, { checkedIn: true });
    expect(inRes.status).toBe(200);
    expect(inRes.body.checkedIn).toBe(true);
    expect(Date.now() - Date.parse(inRes.body.checkedInAt)).toBeLessThan(60_000);
    const again = await registrar.call('PATCH', `/api/entries/${e.id}`, { checkedIn: true, seedMark: null });
    expect(again.body).toMatchObject({ checkedIn: true, checkedInAt: inRes.body.checkedInAt, seedMark: null });
    const out = await registrar.call('PATCH', `/api/entries/${e.id}`, { checkedIn: false, status: 'scratched' });
    expect(out.body).toMatchObject({ checkedIn: false, checkedInAt: null, status: 'scratched' });
    const audits = await t.db.sql`SELECT details FROM audit_log WHERE action = 'entry.update' AND entity_id = ${String(e.id)} ORDER BY id`;
    expect(audits).toHaveLength(3);
    expect(audits[0]!.details.before).toMatchObject({ checkedIn: false });
    expect(audits[0]!.details.after).toMatchObject({ checkedIn: true });
    expect(audits[2]!.details.after).toMatchObject({ status: 'scratched' });
  });

  it('changes the athlete\'s bib for the whole meet through PATCH, refusing one worn by another athlete', async () => {
    const { events } = await meetWithEvents(2);
    const a = await b.athlete();
    const other = await b.athlete();
    const e1 = await b.entry(events[0].id, a.id, '40');
    const e2 = await b.entry(events[1].id, a.id, '40');
    await b.entry(events[0].id, other.id, '41');
    const res = await registrar.call('PATCH', `/api/entries/${e1.id}`, { bib: '42' });
    expect(res.status).toBe(200);
    expect(res.body.bib).toBe('42');
    const list = await registrar.call('GET', `/api/events/${events[1].id}/entries`);
    expect(list.body.items.find((x: { id: number }) => x.id === e2.id).bib).toBe('42');

    const taken = await registrar.call('PATCH', `/api/entries/${e2.id}`, { bib: '41' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatchObject({ code: 'conflict', field: 'bib' });
    expect(taken.body.error.message).toMatch(/bib 41 is already worn by/);
    const [audit] = await t.db.sql`SELECT details FROM audit_log WHERE action = 'entry.update' AND entity_id = ${String(e1.id)}`;
    expect(audit!.details).toMatchObject({ before: { bib: '40' }, after: { bib: '42' } });
  });

  it('lists entries: registrars all (filter, pages), coaches their athletes, athletes their own; starters and viewers not at all', async () => {
    const { events } = await meetWithEvents(1);
    const ev = events[0].id;
    const coached = await b.athlete({ lastName: 'Bcoached', coachUserId: t.users.coach.id });
    const own = await b.athlete({ lastName: 'Cown', userId: t.users.athlete.id });
    const plain = await b.athlete({ lastName: 'Aplain' });
    await b.entry(ev, coached.id, 'L1');
    await b.entry(ev, own.id, 'L2', { status: 'confirmed' });
    await b.entry(ev, plain.id, 'L3');

    const all = await registrar.call('GET', `/api/events/${ev}/entries`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((e: { bib: string }) => e.bib)).toEqual(['L3', 'L1', 'L2']);
    expect((await registrar.call('GET', `/api/events/${ev}/entries?status=confirmed`)).body.items.map((e: { bib: string }) => e.bib)).toEqual(['L2']);
    const page = await registrar.call('GET', `/api/events/${ev}/entries?limit=1&offset=1`);
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.body.items.map((e: { bib: string }) => e.bib)).toEqual(['L1']);

    const coach = await signIn(t, 'coach');
    expect((await coach.call('GET', `/api/events/${ev}/entries`)).body.items.map((e: { bib: string }) => e.bib)).toEqual(['L1']);
    const athlete = await signIn(t, 'athlete');
    const mine = await athlete.call('GET', `/api/events/${ev}/entries`);
    expect(mine.body.items.map((e: { bib: string }) => e.bib)).toEqual(['L2']);
    expect(mine.body.total).toBe(1);

    expect((await (await signIn(t, 'starter')).call('GET', `/api/events/${ev}/entries`)).status).toBe(403);
    expect((await (await signIn(t, 'viewer')).call('GET', `/api/events/${ev}/entries`)).status).toBe(403);
    expect((await clientWith(t, null).call('GET', `/api/events/${ev}/entries`)).status).toBe(401);
    await registrar.call('PATCH', `/api/athletes/${own.id}`, { userId: null });
  });

  it('shows a check-in and a new bib in the heat snapshot at once (its cache is dropped)', async () => {
    const { events } = await meetWithEvents(1);
    const a = await b.athlete();
    const e = await b.entry(events[0].id, a.id, '70');
    const [heat] = await b.ok('POST', `/api/events/${events[0].id}/heats`, { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: e.id, lane: 4 }] }] });
    const anon = clientWith(t, null);
    const before = await anon.call('GET', `/api/heats/${heat.id}`);
    expect(before.status).toBe(200);
    expect(before.body.rows[0]).toMatchObject({ bib: '70', checkedIn: false });
    await registrar.call('PATCH', `/api/entries/${e.id}`, { checkedIn: true, bib: '71' });
    expect((await anon.call('GET', `/api/heats/${heat.id}`)).body.rows[0]).toMatchObject({ bib: '71', checkedIn: true });
    await registrar.call('PATCH', `/api/athletes/${a.id}`, { lastName: 'Renamed' });
    expect((await anon.call('GET', `/api/heats/${heat.id}`)).body.rows[0].name).toMatch(/Renamed$/);
  });
});
