import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { builders, clientWith, signIn, type Client } from '../helpers/registry.js';

describe('athlete routes', () => {
  let t: TestApp;
  let admin: Client;
  let registrar: Client;
  let b: ReturnType<typeof builders>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t, 'admin');
    registrar = await signIn(t, 'registrar');
    b = builders(admin);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates an athlete and reads it back, with Unicode names intact', async () => {
    const res = await registrar.call('POST', '/api/athletes', {
      firstName: 'Ólafur', lastName: "O'Neil-Nguyễn", country: 'ISL', gender: 'M', birthDate: '1999-04-03', club: 'ÍR', contactEmail: 'olafur@example.com',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ firstName: 'Ólafur', lastName: "O'Neil-Nguyễn", country: 'ISL', birthDate: '1999-04-03', club: 'ÍR', coachUserId: null, userId: null });
    expect(res.body.id).toBeTypeOf('number');
    const got = await registrar.call('GET', `/api/athletes/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('searches by name (either order, any case), country and club, with pagination', async () => {
    const tag = `Zq${Date.now().toString(36)}`;
    for (const [first, country, club] of [['Amara', 'NGR', 'Lagos AC'], ['Amadou', 'SEN', 'Dakar AC'], ['Bea', 'NGR', 'Lagos AC']] as const) {
      await b.athlete({ firstName: first, lastName: tag, country, club });
    }
    const byName = await registrar.call('GET', `/api/athletes?q=${tag.toLowerCase()}`);
    expect(byName.status).toBe(200);
    expect(byName.body.total).toBe(3);
    expect(byName.body.items.map((a: { firstName: string }) => a.firstName)).toEqual(['Amadou', 'Amara', 'Bea']);

    const fullName = await registrar.call('GET', `/api/athletes?q=${encodeURIComponent(`${tag} ama`)}`);
    expect(fullName.body.items.map((a: { firstName: string }) => a.firstName)).toEqual(['Amadou', 'Amara']);

    const byCountry = await registrar.call('GET', `/api/athletes?q=${tag}&country=NGR`);
    expect(byCountry.body.items.map((a: { firstName: string }) => a.firstName)).toEqual(['Amara', 'Bea']);

    const byClub = await registrar.call('GET', `/api/athletes?q=${tag}&club=dakar`);
    expect(byClub.body.items.map((a: { firstName: string }) => a.firstName)).toEqual(['Amadou']);

    const page2 = await registrar.call('GET', `/api/athletes?q=${tag}&limit=2&offset=2`);
    expect(page2.body).toMatchObject({ total: 3, limit: 2, offset: 2 });
    expect(page2.body.items.map((a: { firstName: string }) => a.firstName)).toEqual(['Bea']);
  });

  it('treats LIKE wildcards in the search as text', async () => {
    await b.athlete({ firstName: 'Percent', lastName: '100%_Club' });
    const res = await registrar.call('GET', `/api/athletes?q=${encodeURIComponent('100%_')}`);
    expect(res.body.items.map((a: { lastName: string }) => a.lastName)).toEqual(['100%_Club']);
    const none = await registrar.call('GET', `/api/athletes?q=${encodeURIComponent('%')}&country=ZZZ`);
    expect(none.body.total).toBe(0);
  });

  it('patches an athlete, can clear a nullable field, and audits before and after', async () => {
    const a = await b.athlete({ club: 'Old Club', coachName: 'Coach A' });
    const res = await registrar.call('PATCH', `/api/athletes/${a.id}`, { club: 'New Club', coachName: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: a.id, club: 'New Club', coachName: null, lastName: a.lastName });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(a.updatedAt));

    const [audit] = await t.db.sql`SELECT user_id, action, details FROM audit_log WHERE action = 'athlete.update' AND entity_id = ${String(a.id)}`;
    expect(audit!.user_id).toBe(t.users.registrar.id);
    expect(audit!.details.before).toMatchObject({ club: 'Old Club', coachName: 'Coach A' });
    expect(audit!.details.after).toMatchObject({ club: 'New Club', coachName: null });
  });

  it('writes an audit row for a create', async () => {
    const a = await b.athlete();
    const rows = await t.db.sql`SELECT action, details FROM audit_log WHERE entity_type = 'athlete' AND entity_id = ${String(a.id)}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.action).toBe('athlete.create');
    expect(rows[0]!.details.after).toMatchObject({ id: a.id, lastName: a.lastName });
  });

  it('links a coach and a user account; a second athlete on the same account is a 409 on userId', async () => {
    const a = await b.athlete({ coachUserId: t.users.coach.id, userId: t.users.athlete.id });
    expect(a).toMatchObject({ coachUserId: t.users.coach.id, userId: t.users.athlete.id });
    const dup = await registrar.call('POST', '/api/athletes', { firstName: 'X', lastName: 'Y', country: 'KEN', gender: 'F', userId: t.users.athlete.id });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'conflict', field: 'userId' });
    await registrar.call('PATCH', `/api/athletes/${a.id}`, { userId: null });
  });

  it('refuses an unknown coach account with 400 naming coachUserId', async () => {
    const res = await registrar.call('POST', '/api/athletes', { firstName: 'X', lastName: 'Y', country: 'KEN', gender: 'F', coachUserId: 99_999_999 });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', field: 'coachUserId' });
  });

  it('deletes an athlete without entries (audited), and 404s afterwards', async () => {
    const a = await b.athlete();
    const res = await registrar.call('DELETE', `/api/athletes/${a.id}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await registrar.call('GET', `/api/athletes/${a.id}`)).status).toBe(404);
    const [audit] = await t.db.sql`SELECT details FROM audit_log WHERE action = 'athlete.delete' AND entity_id = ${String(a.id)}`;
    expect(audit!.details.before).toMatchObject({ id: a.id });
  });

  it('refuses to delete an athlete with entries (409) and keeps them', async () => {
    const meet = await b.meet();
    const event = await b.event(meet.id);
    const a = await b.athlete();
    await b.entry(event.id, a.id, '501');
    const res = await registrar.call('DELETE', `/api/athletes/${a.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', message: 'the athlete has 1 entry and cannot be deleted' });
    expect((await registrar.call('GET', `/api/athletes/${a.id}`)).status).toBe(200);
  });

  it('404s on an unknown athlete for GET, PATCH and DELETE', async () => {
    for (const [method, body] of [['GET'], ['PATCH', { club: 'x' }], ['DELETE']] as const) {
      const res = await registrar.call(method, '/api/athletes/987654321', body);
      expect(res.status, method).toBe(404);
      expect(res.body.error).toEqual({ code: 'not_found', message: 'athlete not found' });
    }
  });

  it('lets an athlete account read only its own record', async () => {
    const own = await b.athlete({ userId: t.users.athlete.id, lastName: 'Ownrecord' });
    const other = await b.athlete();
    const athlete = await signIn(t, 'athlete');
    expect((await athlete.call('GET', `/api/athletes/${own.id}`)).body.id).toBe(own.id);
    const refused = await athlete.call('GET', `/api/athletes/${other.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    // Not even whether an id exists.
    expect((await athlete.call('GET', '/api/athletes/987654321')).status).toBe(403);
    const list = await athlete.call('GET', '/api/athletes?limit=200');
    expect(list.body.items.map((a: { id: number }) => a.id)).toEqual([own.id]);
    expect(list.body.total).toBe(1);
    await registrar.call('PATCH', `/api/athletes/${own.id}`, { userId: null });
  });

  it('requires a sign-in', async () => {
    const res = await clientWith(t, null).call('GET', '/api/athletes');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});
