import { describe, expect, it } from 'vitest';
import { parseEvt, writeEvt } from '../../server/lynx/evt.js';
import { parseSch, writeSch } from '../../server/lynx/sch.js';
import { parsePpl, writePpl } from '../../server/lynx/ppl.js';
import { decodeLynx, encodeLynx } from '../../server/lynx/encoding.js';
import { splitLynxLine } from '../../server/lynx/csv-line.js';
import { ROUND_NUMBER, roundOfNumber } from '../../server/lynx/numbering.js';
import type { LynxRace } from '../../server/lynx/start-list.js';

const races: LynxRace[] = [
  {
    eventNumber: 3, round: 1, heat: 1, eventName: 'Men 100m', distanceM: 100,
    lanes: [
      { id: '101', lane: 3, lastName: 'Stefánsson', firstName: 'Ólafur', affiliation: 'ISL' },
      { id: '102', lane: 4, lastName: 'Jones, Jr.', firstName: 'Steve', affiliation: 'USA' },
      { id: 'A-7', lane: 5, lastName: "O'Neil", firstName: 'Pat "Rocket"', affiliation: 'IRL' },
    ],
  },
  { eventNumber: 3, round: 3, heat: 1, eventName: 'Men 100m', distanceM: 100, lanes: [] },
  { eventNumber: 12, round: 3, heat: 1, eventName: 'Women Marathon', distanceM: null, lanes: [{ id: '9', lane: 1, lastName: 'Nguyễn', firstName: 'Thị', affiliation: 'VIE' }] },
];

describe('lynx.evt', () => {
  it('writes event lines and comma-led competitor lines, quoting commas and quotes, CRLF', () => {
    expect(writeEvt(races)).toBe(
      '3,1,1,Men 100m,,,,,,100\r\n' +
        ',101,3,Stefánsson,Ólafur,ISL\r\n' +
        ',102,4,"Jones, Jr.",Steve,USA\r\n' +
        ',A-7,5,O\'Neil,"Pat ""Rocket""",IRL\r\n' +
        '3,3,1,Men 100m,,,,,,100\r\n' +
        '12,3,1,Women Marathon\r\n' +
        ',9,1,Nguyễn,Thị,VIE\r\n',
    );
  });

  it('reads back what it writes (and competitor lines led by a space or a tab)', () => {
    expect(parseEvt(writeEvt(races))).toEqual(races);
    expect(parseEvt('5,1,2,Women 200m\r\n\t7,1,Doe,Jane,KEN\r\n 8,2,Roe,Ann,ETH\r\n')).toEqual([
      { eventNumber: 5, round: 1, heat: 2, eventName: 'Women 200m', distanceM: null, lanes: [
        { id: '7', lane: 1, lastName: 'Doe', firstName: 'Jane', affiliation: 'KEN' },
        { id: '8', lane: 2, lastName: 'Roe', firstName: 'Ann', affiliation: 'ETH' },
      ] },
    ]);
  });

  it('puts a name with a line break on one line', () => {
    const out = writeEvt([{ ...races[2]!, lanes: [{ id: '1', lane: 1, lastName: 'Two\nLines', firstName: 'x\ty', affiliation: 'KEN' }] }]);
    expect(out.split('\r\n')[1]).toBe(',1,1,Two Lines,x y,KEN');
  });
});

describe('lynx.sch', () => {
  it('writes the running order with a comment title, and reads it back (missing round or heat = 1)', () => {
    const sch = writeSch(races, { title: 'City Games; day 1' });
    expect(sch).toBe('; City Games; day 1\r\n3,1,1\r\n3,3,1\r\n12,3,1\r\n');
    expect(parseSch(sch)).toEqual([{ eventNumber: 3, round: 1, heat: 1 }, { eventNumber: 3, round: 3, heat: 1 }, { eventNumber: 12, round: 3, heat: 1 }]);
    expect(parseSch('; comment\n4\n5,2\n')).toEqual([{ eventNumber: 4, round: 1, heat: 1 }, { eventNumber: 5, round: 2, heat: 1 }]);
  });
});

describe('lynx.ppl', () => {
  it('writes ID,last,first,affiliation and reads it back', () => {
    const people = races.flatMap((r) => r.lanes.map(({ lane: _lane, ...p }) => p));
    const ppl = writePpl(people, { title: 'City Games' });
    expect(ppl.split('\r\n').slice(0, 3)).toEqual(['; City Games', '101,Stefánsson,Ólafur,ISL', '102,"Jones, Jr.",Steve,USA']);
    expect(parsePpl(ppl)).toEqual(people);
  });
});

describe('encodings', () => {
  it('round-trips Windows-1252 for the characters it has', () => {
    const text = 'Ólafur Stefánsson, Þór, Müller, Šimon, Œdipe, €, “quoted”';
    const bytes = encodeLynx(text, 'windows-1252');
    expect(bytes.length).toBe([...text].length); // one byte a character
    expect(decodeLynx(bytes)).toEqual({ text, encoding: 'windows-1252' });
  });

  it('drops the accents Windows-1252 lacks and writes ? for what has no Latin base', () => {
    expect(decodeLynx(encodeLynx('Nguyễn Thị Ánh', 'windows-1252')).text).toBe('Nguyen Thi Ánh');
    expect(decodeLynx(encodeLynx('Ли 李', 'windows-1252')).text).toBe('?? ?');
  });

  it('reads UTF-8 with or without a BOM and writes it without one', () => {
    const bytes = encodeLynx('Nguyễn', 'utf-8');
    expect([...bytes.slice(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(decodeLynx(bytes)).toEqual({ text: 'Nguyễn', encoding: 'utf-8' });
    expect(decodeLynx(Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes))).toEqual({ text: 'Nguyễn', encoding: 'utf-8' });
  });
});

describe('splitLynxLine', () => {
  it('splits, trims unquoted fields, keeps quoted ones verbatim', () => {
    expect(splitLynxLine('a, b ," c, d ",,"e""f"')).toEqual(['a', 'b', ' c, d ', '', 'e"f']);
    expect(splitLynxLine(',x,')).toEqual(['', 'x', '']);
    expect(() => splitLynxLine('"a"b')).toThrow(/after a closing quote/);
  });
});

describe('round numbers', () => {
  it('are fixed per round name, a lone final too', () => {
    expect(ROUND_NUMBER).toEqual({ heat: 1, semi: 2, final: 3 });
    expect([1, 2, 3, 4].map(roundOfNumber)).toEqual(['heat', 'semi', 'final', undefined]);
  });
});
