import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { builders, signIn, uniq, type Client } from '../helpers/registry.js';
import { parseCsv } from '../../shared/csv.js';
import { ATHLETE_CSV_COLUMNS } from '../../shared/schemas/athletes.js';
import { ENTRY_CSV_COLUMNS } from '../../shared/schemas/entries.js';

const CSV = { 'content-type': 'text/csv' };
const template = (name: string) => readFile(new URL(`../../docs/templates/${name}`, import.meta.url), 'utf8');

describe('CSV imports', () => {
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

  const importAthletes = (body: string | Buffer, headers: Record<string, string> = CSV) =>
    registrar.call('POST', '/api/athletes/import', body as string, headers);
  const countAthletes = async () => (await t.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM athletes`)[0].n;

  describe('athletes', () => {
    it('imports the template as it ships', async () => {
      const text = await template('athletes.csv');
      expect(parseCsv(text)[0]).toEqual([...ATHLETE_CSV_COLUMNS]);
      const res = await importAthletes(text);
      expect(res.status).toBe(200);
      expect(res.body.rejected).toEqual([]);
      expect(res.body.created.map((c: { row: number }) => c.row)).toEqual([2, 3, 4]);
      const [olafur] = await t.db.sql`SELECT first_name, last_name, club, contact_phone FROM athletes WHERE id = ${res.body.created[1].id}`;
      expect(olafur).toEqual({ first_name: 'Ólafur', last_name: "O'Neil", club: 'ÍR, Reykjavík', contact_phone: '+354 555 1234' });
    });

    it('creates the valid rows and reports the invalid ones by spreadsheet row and field', async () => {
      const tag = uniq('Imp');
      const text = [
        'lastName,firstName,country,gender,contactEmail,birthDate', // any column order
        `${tag},Good,KEN,F,,`, // row 2
        `${tag},Lowercase,ken,F,,`, // row 3: bad country
        '', // row 4: blank, skipped
        `,Nameless,KEN,M,,`, // row 5: missing lastName
        `${tag},Mail,KEN,M,not-an-email,`, // row 6
        `${tag},Gender,KEN,Q,,`, // row 7
        `${tag},"Multi, ""quoted""\nline",JAM,M,,1986-08-21`, // row 8: valid, spans two lines
        `${tag},Old,KEN,M,,1850-01-01`, // row 9: refused birth date
        `${tag},Extra,KEN,M,,,surplus`, // row 10: too many fields
        `${tag},Trailing,KEN,M,,,`, // row 11: an empty surplus field is fine
      ].join('\r\n');
      const before = await countAthletes();
      const res = await importAthletes(text);
      expect(res.status).toBe(200);
      expect(res.body.created.map((c: { row: number }) => c.row)).toEqual([2, 8, 11]);
      expect(res.body.rejected).toEqual([
        { row: 3, field: 'country', message: 'a three-letter IOC code in capitals, e.g. KEN' },
        { row: 5, field: 'lastName', message: expect.any(String) },
        { row: 6, field: 'contactEmail', message: expect.any(String) },
        { row: 7, field: 'gender', message: expect.any(String) },
        { row: 9, field: 'birthDate', message: 'a date after 1900-01-01' },
        { row: 10, message: '7 fields, but the header names 6 columns' },
      ]);
      expect(await countAthletes()).toBe(before + 3);
      const [multi] = await t.db.sql`SELECT first_name, birth_date FROM athletes WHERE id = ${res.body.created[1].id}`;
      expect(multi).toEqual({ first_name: 'Multi, "quoted"\nline', birth_date: '1986-08-21' });
    });

    it('ignores a column without a name (a trailing comma in the header), refusing rows with a value under it', async () => {
      const tag = uniq('Trail');
      const res = await importAthletes(`firstName,lastName,country,gender,\nA,${tag},KEN,M,\nB,${tag},KEN,F,oops\n`);
      expect(res.status).toBe(200);
      expect(res.body.created.map((c: { row: number }) => c.row)).toEqual([2]);
      expect(res.body.rejected).toEqual([{ row: 3, message: 'a value under a column without a name' }]);
    });

    it('audits each created athlete and the import as a whole', async () => {
      const res = await importAthletes(`firstName,lastName,country,gender\nA,${uniq('Aud')},KEN,M\nB,${uniq('Aud')},KEN,F\nbad,row,x,M\n`);
      const ids = res.body.created.map((c: { id: number }) => String(c.id));
      const rows = await t.db.sql`SELECT user_id, details FROM audit_log WHERE action = 'athlete.create' AND entity_id IN ${t.db.sql(ids)} ORDER BY id`;
      expect(rows).toHaveLength(2);
      expect(rows[0]!.user_id).toBe(t.users.registrar.id);
      expect(rows[0]!.details).toMatchObject({ source: 'import', row: 2, after: { firstName: 'A' } });
      const [summary] = await t.db.sql`SELECT details FROM audit_log WHERE action = 'athlete.import' ORDER BY id DESC LIMIT 1`;
      expect(summary!.details).toEqual({ created: 2, rejected: 1 });
    });

    it('reads a BOM, CRLF, semicolons and Windows-1252 text, and stores SQL metacharacters as text', async () => {
      const tag = uniq('Enc');
      const utf8 = await importAthletes(`\uFEFFfirstName;lastName;country;gender\r\n"'; DROP TABLE athletes; --";${tag};KEN;M\r\n`);
      expect(utf8.body.created).toHaveLength(1);
      const [row] = await t.db.sql`SELECT first_name FROM athletes WHERE id = ${utf8.body.created[0].id}`;
      expect(row!.first_name).toBe("'; DROP TABLE athletes; --");

      const cp1252 = Buffer.concat([Buffer.from('firstName,lastName,country,gender\n'), Buffer.from([0xd3, 0x6c, 0x61, 0x66, 0x75, 0x72]), Buffer.from(`,${tag},ISL,M\n`)]);
      const res = await importAthletes(cp1252, { 'content-type': 'text/csv; charset=windows-1252' });
      expect(res.status).toBe(200);
      const [ola] = await t.db.sql`SELECT first_name FROM athletes WHERE id = ${res.body.created[0].id}`;
      expect(ola!.first_name).toBe('Ólafur');
    });

    it('refuses files it cannot read with a 400 and creates nothing', async () => {
      const before = await countAthletes();
      const cases: [string, RegExp][] = [
        ['', /the file is empty/],
        ['\r\n\r\n', /the file is empty/],
        ['firstName,lastName,country,gender,shoeSize\nA,B,KEN,M,44\n', /unknown column "shoeSize"/],
        ['firstName,lastName,country\nA,B,KEN\n', /missing required column\(s\): gender/],
        ['firstName,lastName,country,gender,Country\nA,B,KEN,M,KEN\n', /column "country" appears twice/],
        ['firstName,lastName,country,gender\nA,"B,KEN,M\n', /the CSV cannot be read: line 2: a quoted field is not closed/],
        ['firstName,lastName,country,gender\n"A"x,B,KEN,M\n', /after a closing quote/],
      ];
      for (const [text, message] of cases) {
        const res = await importAthletes(text);
        expect(res.status, text).toBe(400);
        expect(res.body.error.code, text).toBe('invalid_input');
        expect(res.body.error.message, text).toMatch(message);
      }
      expect(await countAthletes()).toBe(before);
    });

    it('takes text/csv only (415), at most 1 MB (413)', async () => {
      const json = await registrar.call('POST', '/api/athletes/import', { firstName: 'A' });
      expect(json.status).toBe(415);
      expect(json.body.error.code).toBe('unsupported_media_type');
      const plain = await importAthletes('firstName,lastName,country,gender\nA,B,KEN,M\n', { 'content-type': 'text/plain' });
      expect(plain.status).toBe(415);
      const big = await importAthletes(`firstName,lastName,country,gender\n${'A,B,KEN,M\n'.repeat(110_000)}`);
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('too_large');
    });

    it('is refused to roles without athletes:write', async () => {
      const coach = await signIn(t, 'coach');
      const res = await coach.call('POST', '/api/athletes/import', 'firstName,lastName,country,gender\nA,B,KEN,M\n', CSV);
      expect(res.status).toBe(403);
    });
  });

  describe('entries', () => {
    it('enters athletes from a file, each row under the bib rule, in its own savepoint', async () => {
      const meet = await b.meet();
      const [e1, e2] = [await b.event(meet.id), await b.event(meet.id)];
      const [a, c, d, holder, prior] = await Promise.all([1, 2, 3, 4, 5].map(() => b.athlete()));
      await b.entry(e2.id, holder.id, '900'); // 900 is taken in this meet
      await b.entry(e2.id, prior.id, '950'); // prior already wears 950
      const text = [
        'athleteId,bib,seedMark',
        `${a.id},101,10520`, // 2: ok
        `${c.id},900,`, // 3: bib worn by holder
        `${a.id},101,`, // 4: a entered twice in this event
        `${prior.id},951,`, // 5: prior must wear 950
        `${prior.id},950,10900`, // 6: ok
        `999999,102,`, // 7: unknown athlete
        `${d.id},103,10.52`, // 8: seed mark not in thousandths
        `abc,104,`, // 9: not an id
        `${d.id},BIB TOO LONG,`, // 10: bad bib
        `${d.id},103,11000`, // 11: ok
      ].join('\n');
      const res = await registrar.call('POST', `/api/events/${e1.id}/entries/import`, text, CSV);
      expect(res.status).toBe(200);
      expect(res.body.created.map((x: { row: number }) => x.row)).toEqual([2, 6, 11]);
      expect(res.body.rejected).toEqual([
        { row: 3, field: 'bib', message: `bib 900 is already worn by ${holder.firstName} ${holder.lastName} (athlete ${holder.id}) in this meet` },
        { row: 4, field: 'athleteId', message: 'this athlete is already entered in this event' },
        { row: 5, field: 'bib', message: expect.stringMatching(/already wears bib 950/) },
        { row: 7, field: 'athleteId', message: 'athlete 999999 not found' },
        { row: 8, field: 'seedMark', message: expect.any(String) },
        { row: 9, field: 'athleteId', message: expect.any(String) },
        { row: 10, field: 'bib', message: '1 to 8 letters, digits or -' },
      ]);
      const rows = await t.db.sql`SELECT e.athlete_id, ma.bib, e.seed_mark FROM entries e
                                  JOIN meet_athletes ma ON ma.meet_id = e.meet_id AND ma.athlete_id = e.athlete_id
                                  WHERE e.event_id = ${e1.id} ORDER BY e.id`;
      expect(rows.map((r) => [r.athlete_id, r.bib, r.seed_mark])).toEqual([[a.id, '101', 10520], [prior.id, '950', 10900], [d.id, '103', 11000]]);
      // The rejected bib claim of row 3 left nothing behind.
      const [none] = await t.db.sql`SELECT count(*)::int AS n FROM meet_athletes WHERE athlete_id = ${c.id}`;
      expect(none!.n).toBe(0);
      const [summary] = await t.db.sql`SELECT details FROM audit_log WHERE action = 'entry.import' AND entity_id = ${String(e1.id)}`;
      expect(summary!.details).toEqual({ created: 3, rejected: 7 });
    });

    it('has a template whose header is the entry columns', async () => {
      expect(parseCsv(await template('entries.csv'))[0]).toEqual([...ENTRY_CSV_COLUMNS]);
    });

    it('creates nothing and audits nothing when every row is rejected', async () => {
      const meet = await b.meet();
      const e = await b.event(meet.id);
      const before = await t.db.sql`SELECT count(*)::int AS n FROM audit_log`;
      const res = await registrar.call('POST', `/api/events/${e.id}/entries/import`, 'athleteId,bib\n999999,1\n', CSV);
      expect(res.body).toEqual({ created: [], rejected: [{ row: 2, field: 'athleteId', message: 'athlete 999999 not found' }] });
      expect((await t.db.sql`SELECT count(*)::int AS n FROM audit_log`)[0]!.n).toBe(before[0]!.n);
    });

    it('404s for an unknown event', async () => {
      const res = await registrar.call('POST', '/api/events/999999/entries/import', 'athleteId,bib\n1,1\n', CSV);
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'not_found', message: 'event not found' });
    });
  });
});
