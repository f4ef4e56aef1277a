import { describe, expect, it } from 'vitest';
import { LifError, parseLif, parseLynxTime } from '../../server/lynx/lif.js';
import { lifResults } from '../../server/lynx/import.js';
import { encodeLynx } from '../../server/lynx/encoding.js';
import { AppError } from '../../server/errors.js';
import { writeLif, lynxTime } from '../helpers/lynx.js';
import type { LaneEntry, StoredResult } from '../../server/db/repos/results.js';

const race = { eventNumber: 7, round: 1, heat: 2, name: 'Men 100m' };
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('parseLynxTime', () => {
  it('reads every precision from whole seconds to 1/10000 s into thousandths', () => {
    expect(parseLynxTime('12')).toBe(12_000);
    expect(parseLynxTime('10.2')).toBe(10_200);
    expect(parseLynxTime('10.23')).toBe(10_230);
    expect(parseLynxTime('10.234')).toBe(10_234);
    expect(parseLynxTime('1:45.32')).toBe(105_320);
    expect(parseLynxTime('13:05.71')).toBe(785_710);
    expect(parseLynxTime('2:09:44.3')).toBe(7_784_300);
    expect(parseLynxTime('2:01:09')).toBe(7_269_000);
    expect(parseLynxTime(' 9,58 ')).toBe(9_580);
  });

  it('rounds ten-thousandths UP to the next thousandth unless they are zero', () => {
    expect(parseLynxTime('10.2341')).toBe(10_235);
    expect(parseLynxTime('10.2349')).toBe(10_235);
    expect(parseLynxTime('10.2340')).toBe(10_234);
    expect(parseLynxTime('9.9999')).toBe(10_000);
    expect(parseLynxTime('59.9991')).toBe(60_000);
    expect(parseLynxTime('1:45.00001')).toBe(105_001);
  });

  it('refuses what is not a time', () => {
    for (const t of ['', 'abc', '10.2.3', '1:75.00', '1:60:00.0', '-10.2', '10.', 'DNF']) expect(parseLynxTime(t), t).toBeNull();
  });
});

describe('parseLif', () => {
  it('reads the header and the finishers, places, times, reactions; splits are ignored', () => {
    const lif = parseLif(writeLif(race, [
      { place: 1, id: '101', lane: 4, lastName: 'Bolt', firstName: 'Usain', affiliation: 'JAM', time: 9_581, reaction: '0.146', splits: ['5.50', '9.58'] },
      { place: 2, id: '102', lane: 5, lastName: 'Gay', firstName: 'Tyson', affiliation: 'USA', time: 9_712, reaction: '0.144' },
    ], { wind: '+0.9' }));
    expect(lif.header).toMatchObject({ eventNumber: 7, round: 1, heat: 2, name: 'Men 100m', windMps: 0.9, noWindInfo: false, windUnit: 'm/s' });
    expect(lif.rows).toEqual([
      expect.objectContaining({ line: 2, place: 1, status: 'OK', id: '101', lane: 4, lastName: 'Bolt', firstName: 'Usain', affiliation: 'JAM', timeMs: 9_581, reactionMs: 146 }),
      expect.objectContaining({ line: 3, place: 2, status: 'OK', id: '102', timeMs: 9_712, reactionMs: 144 }),
    ]);
    expect(lif.encoding).toBe('utf-8');
  });

  it('reads statuses in the place column, with a DQ rule when one is given', () => {
    const lif = parseLif(writeLif(race, [
      { place: 1, id: '1', time: 10_100 },
      { place: 'DNF', id: '2', time: '' },
      { place: 'DNS', id: '3' },
      { place: 'DQ', id: '4', time: 10_300 },
      { place: 'DQ TR16.8', id: '5' },
      { place: 'DSQ', id: '6' },
      { place: 'SCR', id: '7' },
      { place: 'FS', id: '8' },
      { place: 'dnf', id: '9' },
    ]));
    expect(lif.rows.map((r) => [r.id, r.status, r.place, r.timeMs, r.dqRule, r.statusText])).toEqual([
      ['1', 'OK', 1, 10_100, null, null],
      ['2', 'DNF', null, null, null, 'DNF'],
      ['3', 'DNS', null, null, null, 'DNS'],
      ['4', 'DQ', null, null, null, 'DQ'], // the time of a DQ is not kept
      ['5', 'DQ', null, null, 'TR16.8', 'DQ TR16.8'],
      ['6', 'DQ', null, null, null, 'DSQ'],
      ['7', 'DNS', null, null, null, 'SCR'],
      ['8', 'DQ', null, null, null, 'FS'],
      ['9', 'DNF', null, null, null, 'dnf'],
    ]);
  });

  it('takes a status written in the time column when the place is empty', () => {
    const lif = parseLif(writeLif(race, [{ id: '1', time: 'DNF' }]));
    expect(lif.rows.map((r) => [r.status, r.timeMs])).toEqual([['DNF', null]]);
  });

  it('NWI and an empty wind field mean no reading', () => {
    expect(parseLif(writeLif(race, [{ place: 1, id: '1', time: 10_000 }], { wind: 'NWI' })).header).toMatchObject({ windMps: null, noWindInfo: true });
    expect(parseLif(writeLif(race, [{ place: 1, id: '1', time: 10_000 }], { wind: '' })).header).toMatchObject({ windMps: null, noWindInfo: false });
    expect(parseLif(writeLif(race, [{ place: 1, id: '1', time: 10_000 }], { wind: '-2.3' })).header.windMps).toBe(-2.3);
    expect(parseLif(writeLif(race, [{ place: 1, id: '1', time: 10_000 }], { wind: '+2.03' })).header.windMps).toBe(2.03);
  });

  it.each([1, 2, 3] as const)('reads times written with %i decimals', (decimals) => {
    const lif = parseLif(writeLif(race, [{ place: 1, id: '1', time: 10_231 }, { place: 2, id: '2', time: 105_320 }], { decimals }));
    const up = (ms: number) => Math.ceil(ms / 10 ** (3 - decimals)) * 10 ** (3 - decimals);
    expect(lif.rows.map((r) => r.timeMs)).toEqual([up(10_231), up(105_320)]);
  });

  it('reads times written to 1/10000 s, rounding up to the thousandth', () => {
    const lif = parseLif(writeLif(race, [{ place: 1, id: '1', time: '10.2341' }, { place: 2, id: '2', time: '10.2350' }, { place: 3, id: '3', time: '1:01.0001' }]));
    expect(lif.rows.map((r) => r.timeMs)).toEqual([10_235, 10_235, 61_001]);
  });

  it('reads quoted names with commas and quotes', () => {
    const bytes = writeLif(race, [{ place: 1, id: '1', lastName: 'Jones, Jr.', firstName: 'Steve "Flash"', affiliation: 'ÍR, Reykjavík', time: 10_000 }]);
    expect(text(bytes)).toContain('"Jones, Jr.","Steve ""Flash""","ÍR, Reykjavík"');
    const [row] = parseLif(bytes).rows;
    expect([row!.lastName, row!.firstName, row!.affiliation]).toEqual(['Jones, Jr.', 'Steve "Flash"', 'ÍR, Reykjavík']);
  });

  it('tolerates spaces around fields and quotes, a BOM, LF or CR line ends and blank lines', () => {
    const src = '\uFEFF7, 1 ,2 , "Men 100m" ,NWI\n\n 1 , 101 ,4, "Smith, J" ,John,USA, 10.23 \r\n,,,,\r';
    const lif = parseLif(src);
    expect(lif.header).toMatchObject({ eventNumber: 7, round: 1, heat: 2, name: 'Men 100m' });
    expect(lif.rows.map((r) => [r.place, r.id, r.lastName, r.timeMs])).toEqual([[1, '101', 'Smith, J', 10_230]]);
  });

  it('detects Windows-1252 and UTF-8 (Ólafur, Nguyễn)', () => {
    const lines = [{ place: 1, id: '1', lastName: 'Stefánsson', firstName: 'Ólafur', affiliation: 'ISL', time: 10_000 }];
    const ansi = writeLif(race, lines, { encoding: 'windows-1252' });
    expect(ansi.includes(0xd3)).toBe(true); // Ó as one byte
    const a = parseLif(ansi);
    expect(a.encoding).toBe('windows-1252');
    expect([a.rows[0]!.firstName, a.rows[0]!.lastName]).toEqual(['Ólafur', 'Stefánsson']);
    const u = parseLif(writeLif(race, [{ ...lines[0]!, lastName: 'Nguyễn' }], { encoding: 'utf-8' }));
    expect(u.encoding).toBe('utf-8');
    expect([u.rows[0]!.firstName, u.rows[0]!.lastName]).toEqual(['Ólafur', 'Nguyễn']);
  });

  it('a missing round or heat in the header means 1', () => {
    expect(parseLif('12,,,Women 400m\n1,5,,,,,52.10').header).toMatchObject({ eventNumber: 12, round: 1, heat: 1 });
  });

  it('keeps rows without any result apart (the start list part of the file)', () => {
    const lif = parseLif(writeLif(race, [{ place: 1, id: '1', time: 10_000 }, { id: '2', lane: 3 }, { id: '3' }]));
    expect(lif.rows.map((r) => r.id)).toEqual(['1']);
    expect(lif.pending).toEqual([{ line: 3, id: '2' }, { line: 4, id: '3' }]);
  });

  it('a finisher without a place is ranked by time (place null)', () => {
    expect(parseLif(writeLif(race, [{ id: '1', time: 10_000 }])).rows[0]).toMatchObject({ place: null, status: 'OK', timeMs: 10_000 });
  });

  it('drops unreadable reaction times instead of refusing the file', () => {
    const lif = parseLif(writeLif(race, [{ place: 1, id: '1', time: 10_000, reaction: 'n/a' }, { place: 2, id: '2', time: 10_100, reaction: '0.0951' }]));
    expect(lif.rows.map((r) => r.reactionMs)).toEqual([null, 96]);
  });

  it.each([
    ['', /empty/],
    ['\r\n\r\n', /empty/],
    ['Men 100m,1,1\n', /line 1: event number "Men 100m"/],
    ['7,1,1,x,windy\n', /line 1: wind "windy"/],
    ['7,1,1,x,NWI\n1,101,1,A,B,C,fast\n', /line 2: time "fast" is not a time/],
    ['7,1,1,x,NWI\nXYZ,101,1,A,B,C,\n', /line 2: "XYZ" in the place column/],
    ['7,1,1,x,NWI\n1,101,1,A,B,C,\n', /line 2: place 1 has no time/],
    ['7,1,1,x,NWI\n1,,1,A,B,C,10.1\n', /line 2: a competitor with a result has no ID/],
    ['7,1,1,x,NWI\n1,101,1,"A,B,C,10.1\n', /line 2: a quoted field is not closed/],
    ['7,1,1,x,NWI\n0,101,1,A,B,C,10.1\n', /line 2: place 0/],
  ])('refuses %j naming the line', (src, message) => {
    expect(() => parseLif(src)).toThrow(LifError);
    expect(() => parseLif(src)).toThrow(message);
  });

  it('the time helper writes what FinishLynx writes', () => {
    expect([lynxTime(9_581), lynxTime(9_581, 2), lynxTime(9_581, 1), lynxTime(105_320, 2), lynxTime(7_784_300, 1)]).toEqual(['9.581', '9.59', '9.6', '1:45.32', '2:09:44.3']);
  });

  it('survives a file of random bytes with an error or a result, never a crash of another kind', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31), seed);
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: 1 + (rnd() % 200) }, () => [0x2c, 0x0a, 0x22, 0x31, 0x44, 0x4e, 0x46, 0xd3, 0x2e, 0x3a, 0x20][rnd() % 11]!);
      try {
        parseLif(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(LifError);
      }
    }
  });
});

describe('lifResults (a parsed file as ingest input)', () => {
  const lanes: LaneEntry[] = [
    { entryId: 11, bib: '101', lane: 1 },
    { entryId: 12, bib: 'a-7', lane: 2 },
    { entryId: 13, bib: '103', lane: 3 },
    { entryId: 14, bib: '104', lane: 4 },
  ];
  const stored = (entryId: number, r: Partial<StoredResult>): StoredResult => ({
    id: entryId, entryId, timeMs: null, status: 'DQ', dqRule: null, reactionMs: null, judgedPlace: null, windMps: null, source: 'console', revision: 1, enteredBy: null, enteredAt: '', ...r,
  });

  it('matches IDs to bibs (any case), places become judged places, a DQ without a rule gets the status text', () => {
    const lif = parseLif(writeLif(race, [
      { place: 1, id: '103', time: 10_050, reaction: '0.150' },
      { place: 2, id: 'A-7', time: 10_050 },
      { place: 'DQ', id: '101' },
      { place: 'DSQ', id: '104' },
    ]));
    expect(lifResults(lif, lanes, [], 'the race')).toEqual([
      { entryId: 13, status: 'OK', timeMs: 10_050, dqRule: null, reactionMs: 150, judgedPlace: 1 },
      { entryId: 12, status: 'OK', timeMs: 10_050, dqRule: null, reactionMs: null, judgedPlace: 2 },
      { entryId: 11, status: 'DQ', timeMs: null, dqRule: 'DQ', reactionMs: null, judgedPlace: null },
      { entryId: 14, status: 'DQ', timeMs: null, dqRule: 'DSQ', reactionMs: null, judgedPlace: null },
    ]);
  });

  it('keeps the rule a referee already entered for a DQ the file repeats without one', () => {
    const lif = parseLif(writeLif(race, [{ place: 'DQ', id: '101' }, { place: 'DQ R163.3', id: '103' }]));
    const out = lifResults(lif, lanes, [stored(11, { dqRule: 'TR17.3.1' }), stored(13, { dqRule: 'TR17.3.1' })], 'x');
    expect(out.map((r) => r.dqRule)).toEqual(['TR17.3.1', 'R163.3']);
  });

  it('refuses unknown IDs, naming every one and its line', () => {
    const lif = parseLif(writeLif(race, [{ place: 1, id: '999', lastName: 'Nobody', time: 10_000 }, { place: 2, id: '101', time: 10_100 }, { place: 3, id: '55', time: 10_200 }]));
    const err = (() => {
      try {
        lifResults(lif, lanes, [], 'event 7 round 1 heat 2');
      } catch (e) {
        return e as AppError;
      }
    })();
    expect(err).toBeInstanceOf(AppError);
    expect(err!.status).toBe(400);
    expect(err!.message).toBe('competitor IDs not in the start list of event 7 round 1 heat 2: 999 (line 2, Nobody), 55 (line 4); nothing was imported');
  });

  it('refuses a competitor listed twice', () => {
    const lif = parseLif(writeLif(race, [{ place: 1, id: '101', time: 10_000 }, { place: 2, id: '101', time: 10_100 }]));
    expect(() => lifResults(lif, lanes, [], 'x')).toThrow('line 3: competitor 101 already has a result on line 2');
  });

  it('refuses a time the schema refuses (24 h and more)', () => {
    const lif = parseLif(encodeLynx('7,1,2,x,NWI\r\n1,101,1,A,B,C,24:00:00.0\r\n', 'utf-8'));
    expect(() => lifResults(lif, lanes, [], 'x')).toThrow(/line 2: timeMs/);
  });
});
