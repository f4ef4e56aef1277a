import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TIME_MS } from '../../shared/schemas/results.js';
import {
  FALSE_START_REACTION_MS,
  formatRaw,
  formatTime,
  formatWind,
  isPossibleFalseStart,
  isWindAssisted,
  LONG_TRACK_TENTHS_OVER_M,
  officialTime,
  parseTimeInput,
  roundUpTo,
  roundWind,
  timingPrecision,
  windEvent,
  type TimePrecision,
} from '../../shared/time.js';

const PRECISIONS: TimePrecision[] = ['hundredths', 'tenths', 'seconds'];
const UNIT = { hundredths: 10, tenths: 100, seconds: 1000 } as const;
const anyTime = fc.integer({ min: 1, max: MAX_TIME_MS - 1 });

describe('parseTimeInput', () => {
  it.each([
    ['10.52', 10_520],
    ['10.521', 10_521],
    ['10.520', 10_520],
    ['9.5', 9_500],
    ['9.58', 9_580],
    ['0.5', 500],
    ['45.32', 45_320],
    ['75.12', 75_120],
    ['1:45.32', 105_320],
    ['1:45', 105_000],
    ['0:45', 45_000],
    ['1.45.32', 105_320],
    ['1.45.321', 105_321],
    ['13:05.71', 785_710],
    ['13.05.71', 785_710],
    ['2:09:44.3', 7_784_300],
    ['2.09.44.3', 7_784_300],
    ['2:01:09', 7_269_000],
    ['02:01:09', 7_269_000],
    ['23:59:59.999', MAX_TIME_MS - 1],
    ['  10.52  ', 10_520],
    ['\t1:45.32\n', 105_320],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseTimeInput(text)).toBe(ms);
  });

  it.each([
    ['1052', 10_520],
    ['958', 9_580],
    ['4532', 45_320],
    ['14532', 105_320],
    ['130571', 785_710],
    ['1000000', 3_600_000],
    ['2094430', 7_784_300],
    ['7512', 75_120],
    ['52', 520],
    [' 1052 ', 10_520],
  ])('reads keypad digits %j as %i ms (last two digits are hundredths)', (text, ms) => {
    expect(parseTimeInput(text)).toBe(ms);
  });

  it.each([
    '',
    '   ',
    '-10.52',
    '+10.52',
    'abc',
    '10.52s',
    '12.4h',
    '10,52',
    '10 .52',
    '1 052',
    '10.',
    '.52',
    '10.5214',
    '1:60.00',
    '1:75',
    '1.60.00',
    '2:60:00',
    '2:00:60',
    '1:5.32',
    '105:32.1',
    '1::45.32',
    '1:45:',
    ':45.32',
    '16032', // 1:60.32 on a keypad
    '16000', // 1:60.00
    '1600000', // 1:60:00.00
    '24:00:00',
    '25:00:00',
    '24000000', // 24:00:00.00 on a keypad
    '123456789', // too many digits
    '0',
    '0.00',
    '0:00',
    '１０.５２', // full-width digits
    'NaN',
    'Infinity',
    '1e3',
    '0x10',
  ])('refuses %j', (text) => {
    expect(parseTimeInput(text)).toBeNull();
  });

  it('keypad digits read like the same digits with separators', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 99 }),
        (h, m, s, c) => {
          const p2 = (n: number) => String(n).padStart(2, '0');
          const expected = ((h * 60 + m) * 60 + s) * 1000 + c * 10;
          fc.pre(expected > 0);
          expect(parseTimeInput(`${h}${p2(m)}${p2(s)}${p2(c)}`)).toBe(expected);
          expect(parseTimeInput(`${h}:${p2(m)}:${p2(s)}.${p2(c)}`)).toBe(expected);
          expect(parseTimeInput(`${h}.${p2(m)}.${p2(s)}.${p2(c)}`)).toBe(expected);
        },
      ),
    );
  });

  it('reads back every raw display exactly (formatRaw is its inverse)', () => {
    fc.assert(fc.property(anyTime, (ms) => parseTimeInput(formatRaw(ms)) === ms));
  });

  it('returns null or an integer in (0, 24 h) for any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9:. ]{0,12}$/)), (text) => {
        const ms = parseTimeInput(text);
        return ms === null || (Number.isInteger(ms) && ms > 0 && ms < MAX_TIME_MS);
      }),
    );
  });
});

describe('roundUpTo', () => {
  it.each([
    [10_521, 10, 10_530],
    [10_520, 10, 10_520],
    [10_529, 10, 10_530],
    [9_991, 10, 10_000],
    [12_320, 100, 12_400],
    [12_300, 100, 12_300],
    [7_784_300, 1000, 7_785_000],
    [7_269_000, 1000, 7_269_000],
    [0, 10, 0],
    [1, 1, 1],
  ])('roundUpTo(%i, %i) = %i', (ms, unit, expected) => {
    expect(roundUpTo(ms, unit)).toBe(expected);
  });

  it('never gives -0', () => {
    expect(Object.is(roundUpTo(-5, 10), 0)).toBe(true);
  });

  it.each([0, -10, 2.5, Number.NaN])('refuses a unit of %d', (unit) => {
    expect(() => roundUpTo(100, unit)).toThrow(RangeError);
  });

  it('never goes down, is a multiple of the unit, less than one unit up, and idempotent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_TIME_MS }), fc.constantFrom(1, 10, 100, 1000, 60_000), (ms, unit) => {
        const r = roundUpTo(ms, unit);
        expect(r).toBeGreaterThanOrEqual(ms);
        expect(r - ms).toBeLessThan(unit);
        expect(r % unit).toBe(0);
        expect(roundUpTo(r, unit)).toBe(r);
      }),
    );
  });
});

describe('timingPrecision', () => {
  const track = (distanceM: number | null, handTimed = false) => ({ kind: 'track' as const, distanceM, handTimed });

  it.each([
    ['FAT 100 m', track(100), 'hundredths'],
    ['FAT 1500 m', track(1500), 'hundredths'],
    ['FAT 10,000 m (the threshold itself)', track(10_000), 'hundredths'],
    ['FAT 20,000 m track walk', track(20_000), 'tenths'],
    ['FAT track without a distance', track(null), 'hundredths'],
    ['hand-timed 100 m', track(100, true), 'tenths'],
    ['hand-timed 20,000 m', track(20_000, true), 'tenths'],
    ['road marathon', { kind: 'road' as const, distanceM: 42_195, handTimed: false }, 'seconds'],
    ['hand-timed road race', { kind: 'road' as const, distanceM: 10_000, handTimed: true }, 'seconds'],
    ['road without a distance', { kind: 'road' as const, distanceM: null, handTimed: false }, 'seconds'],
    ['field event', { kind: 'field' as const, distanceM: null, handTimed: false }, 'hundredths'],
  ])('%s -> %s', (_name, event, expected) => {
    expect(timingPrecision(event)).toBe(expected);
  });

  it('defaults the long-race threshold to 10,000 m and lets a meet change it', () => {
    expect(LONG_TRACK_TENTHS_OVER_M).toBe(10_000);
    expect(timingPrecision(track(5000), { tenthsOverM: 3000 })).toBe('tenths');
    expect(timingPrecision(track(3000), { tenthsOverM: 3000 })).toBe('hundredths');
    expect(timingPrecision(track(20_000), { tenthsOverM: Infinity })).toBe('hundredths');
  });
});

describe('formatTime', () => {
  it.each([
    [9_580, 'hundredths', '9.58'],
    [45_320, 'hundredths', '45.32'],
    [105_320, 'hundredths', '1:45.32'],
    [785_710, 'hundredths', '13:05.71'],
    [10_520, 'hundredths', '10.52'],
    [10_521, 'hundredths', '10.53'],
    [10_529, 'hundredths', '10.53'],
    [9_991, 'hundredths', '10.00'],
    [59_999, 'hundredths', '1:00.00'],
    [59_990, 'hundredths', '59.99'],
    [60_000, 'hundredths', '1:00.00'],
    [3_599_991, 'hundredths', '1:00:00.00'],
    [3_605_050, 'hundredths', '1:00:05.05'],
    [10_050, 'hundredths', '10.05'],
    [10_001, 'hundredths', '10.01'],
    [0, 'hundredths', '0.00'],
    [12_320, 'tenths', '12.4'],
    [12_300, 'tenths', '12.3'],
    [12_301, 'tenths', '12.4'],
    [59_901, 'tenths', '1:00.0'],
    [1_680_001, 'tenths', '28:00.1'],
    [7_269_000, 'seconds', '2:01:09'],
    [7_784_300, 'seconds', '2:09:45'],
    [7_784_000, 'seconds', '2:09:44'],
    [7_784_001, 'seconds', '2:09:45'],
    [3_599_001, 'seconds', '1:00:00'],
    [1_712_000, 'seconds', '28:32'],
    [45_000, 'seconds', '0:45'],
    [36_000_000, 'hundredths', '10:00:00.00'],
  ] as const)('formatTime(%i, %s) = %j', (ms, precision, expected) => {
    expect(formatTime(ms, precision)).toBe(expected);
  });

  it('adds the h suffix to hand times', () => {
    expect(formatTime(12_320, 'tenths', { hand: true })).toBe('12.4h');
    expect(formatTime(10_000, 'tenths', { hand: true })).toBe('10.0h');
    expect(formatTime(65_410, 'tenths', { hand: true })).toBe('1:05.5h');
    expect(formatTime(12_320, 'tenths', { hand: false })).toBe('12.4');
  });

  it.each([-1, 10.5, Number.NaN, Infinity])('refuses %d', (ms) => {
    expect(() => formatTime(ms, 'hundredths')).toThrow(RangeError);
  });

  it('is stable through the parser: format(parse(format(x))) = format(x)', () => {
    fc.assert(
      fc.property(anyTime, fc.constantFrom(...PRECISIONS), (ms, precision) => {
        const shown = formatTime(ms, precision);
        const back = parseTimeInput(shown);
        // 23:59:59.991 and up shows as 24:00:00.00, which is refused as input
        if (roundUpTo(ms, UNIT[precision]) >= MAX_TIME_MS) return back === null;
        return back !== null && formatTime(back, precision) === shown;
      }),
    );
  });

  it('reads back as the time rounded up, never less than the reading', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_TIME_MS - 1000 }), fc.constantFrom(...PRECISIONS), (ms, precision) => {
        const back = parseTimeInput(formatTime(ms, precision))!;
        expect(back).toBe(roundUpTo(ms, UNIT[precision]));
        expect(back).toBeGreaterThanOrEqual(ms);
      }),
    );
  });

  it('keeps the order of times (a faster reading never shows slower)', () => {
    fc.assert(
      fc.property(anyTime, anyTime, fc.constantFrom(...PRECISIONS), (a, b, precision) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return roundUpTo(lo, UNIT[precision]) <= roundUpTo(hi, UNIT[precision]);
      }),
    );
  });
});

describe('formatRaw', () => {
  it.each([
    [10_521, '10.521'],
    [10_520, '10.520'],
    [9_001, '9.001'],
    [59_999, '59.999'],
    [105_320, '1:45.320'],
    [7_784_300, '2:09:44.300'],
    [61, '0.061'],
  ])('formatRaw(%i) = %j', (ms, expected) => {
    expect(formatRaw(ms)).toBe(expected);
  });
});

describe('officialTime', () => {
  it('uses the precision of the event and the hand flag', () => {
    const fat100 = { kind: 'track' as const, distanceM: 100, handTimed: false };
    const hand100 = { kind: 'track' as const, distanceM: 100, handTimed: true };
    const walk = { kind: 'track' as const, distanceM: 20_000, handTimed: false };
    const marathon = { kind: 'road' as const, distanceM: 42_195, handTimed: false };
    const handRoad = { kind: 'road' as const, distanceM: 10_000, handTimed: true };
    expect(officialTime(10_521, fat100)).toBe('10.53');
    expect(officialTime(10_520, fat100)).toBe('10.52');
    expect(officialTime(12_320, hand100)).toBe('12.4h');
    expect(officialTime(4_800_001, walk)).toBe('1:20:00.1');
    expect(officialTime(7_784_300, marathon)).toBe('2:09:45');
    expect(officialTime(1_712_300, handRoad)).toBe('28:33');
    expect(officialTime(null, fat100)).toBeNull();
    expect(officialTime(4_800_001, walk, { tenthsOverM: 50_000 })).toBe('1:20:00.01');
  });
});

describe('wind', () => {
  it.each([
    [2.03, 2.1],
    [2.0, 2.0],
    [2.1, 2.1],
    [2.01, 2.1],
    [2.09, 2.1],
    [1.99, 2.0],
    [0.31, 0.4],
    [-2.03, -2.0],
    [-2.0, -2.0],
    [-0.04, 0],
    [-0.1, -0.1],
    [-0.15, -0.1],
    [0, 0],
    [-0, 0],
    [0.7000000000000001, 0.7], // float noise is not a reading
    [0.1 + 0.2, 0.3],
  ])('roundWind(%d) = %d', (raw, expected) => {
    const r = roundWind(raw);
    expect(r).toBe(expected);
    expect(Object.is(r, -0)).toBe(false);
  });

  it('rounds to the nearest tenth on request (the alternative to the (verify) rule)', () => {
    expect(roundWind(2.03, { mode: 'nearest' })).toBe(2.0);
    expect(roundWind(2.05, { mode: 'nearest' })).toBe(2.1);
    expect(roundWind(-2.05, { mode: 'nearest' })).toBe(-2.1);
    expect(roundWind(-0.04, { mode: 'nearest' })).toBe(0);
    expect(Object.is(roundWind(-0.04, { mode: 'nearest' }), -0)).toBe(false);
  });

  it.each([Number.NaN, Infinity, -Infinity])('roundWind refuses %d', (raw) => {
    expect(() => roundWind(raw)).toThrow(RangeError);
  });

  it('roundWind never goes down, by less than a tenth, to a tenth', () => {
    fc.assert(
      fc.property(fc.integer({ min: -9999, max: 9999 }), (hundredths) => {
        const raw = hundredths / 100;
        const r = roundWind(raw);
        expect(r).toBeGreaterThanOrEqual(raw - 1e-9);
        expect(r - raw).toBeLessThan(0.1);
        expect(Math.abs(r * 10 - Math.round(r * 10))).toBeLessThan(1e-9);
        expect(roundWind(r)).toBe(r);
      }),
    );
  });

  it.each([
    [1.2, '+1.2'],
    [-0.4, '-0.4'],
    [0, '0.0'],
    [-0, '0.0'],
    [-0.04, '0.0'],
    [2.03, '+2.1'],
    [2, '+2.0'],
    [-2.03, '-2.0'],
    [12.5, '+12.5'],
    [0.3, '+0.3'],
  ])('formatWind(%d) = %j', (mps, expected) => {
    expect(formatWind(mps)).toBe(expected);
  });

  it.each([
    [2.0, false],
    [1.9, false],
    [2.1, true],
    [2.03, true], // reads +2.1
    [2.0000000001, false], // float noise on +2.0
    [5.7, true],
    [-3.0, false],
  ])('isWindAssisted(%d) = %s', (mps, expected) => {
    expect(isWindAssisted(mps)).toBe(expected);
  });

  it('isWindAssisted agrees with the displayed reading', () => {
    fc.assert(
      fc.property(fc.integer({ min: -500, max: 500 }), (hundredths) => {
        const shown = Number(formatWind(hundredths / 100));
        return isWindAssisted(hundredths / 100) === shown > 2.0;
      }),
    );
  });

  it.each([
    ['100m', true],
    ['200m', true],
    ['100mH', true],
    ['110mH', true],
    ['LJ', true],
    ['TJ', true],
    ['100 m', true],
    ['lj', true],
    ['110mh', true],
    ['400m', false],
    ['400mH', false],
    ['60m', false],
    ['4x100m', false],
    ['HJ', false],
    ['PV', false],
    ['SP', false],
    ['Marathon', false],
    ['', false],
  ])('windEvent(%j) = %s', (discipline, expected) => {
    expect(windEvent(discipline)).toBe(expected);
  });
});

describe('false starts', () => {
  it('flags reactions under 0.100 s only', () => {
    expect(FALSE_START_REACTION_MS).toBe(100);
    expect(isPossibleFalseStart(99)).toBe(true);
    expect(isPossibleFalseStart(0)).toBe(true);
    expect(isPossibleFalseStart(100)).toBe(false);
    expect(isPossibleFalseStart(145)).toBe(false);
    expect(isPossibleFalseStart(null)).toBe(false);
    expect(isPossibleFalseStart(undefined)).toBe(false);
  });
});
