import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareForRanking, isFinisher, rankAcrossHeats, rankHeat, statusOrder, type RankInput } from '../../shared/ranking.js';

type Status = RankInput['status'];

const row = (entryId: number, lane: number, timeMs: number | null, status: Status = timeMs === null ? null : 'OK', extra: Partial<RankInput> = {}): RankInput => ({
  entryId,
  lane,
  timeMs,
  status,
  ...extra,
});
const calm = { windMps: 0.5, windMeasured: true };
const summary = (rows: Array<{ entryId: number; place: number | null }>) => rows.map((r) => [r.entryId, r.place]);

describe('statusOrder and compareForRanking', () => {
  it('orders OK < DNF < DQ < DNS < no result', () => {
    expect([statusOrder('OK'), statusOrder('DNF'), statusOrder('DQ'), statusOrder('DNS'), statusOrder(null)]).toEqual([0, 1, 2, 3, 4]);
  });

  it('sorts finishers by time, then lane; unplaced groups by lane', () => {
    const rows = [
      row(1, 1, null, 'DNS'),
      row(2, 2, 10_500),
      row(3, 3, null, 'DQ'),
      row(4, 4, 10_400),
      row(5, 5, null, 'DNF'),
      row(6, 6, 10_400),
      row(7, 7, null),
      row(8, 8, null, 'DNF'),
    ];
    expect(rows.toSorted(compareForRanking).map((r) => r.entryId)).toEqual([4, 6, 2, 5, 8, 3, 1, 7]);
  });

  it('treats an OK without a time as not finished', () => {
    expect(isFinisher(row(1, 1, null, 'OK'))).toBe(false);
    expect(compareForRanking(row(1, 1, null, 'OK'), row(2, 2, null, 'DNS'))).toBeGreaterThan(0);
  });
});

describe('rankHeat', () => {
  it('places by thousandths: 1, 2, 2, 4 with equal times listed by lane', () => {
    const ranked = rankHeat(
      [row(11, 5, 10_050), row(12, 3, 9_958), row(13, 7, 10_001), row(14, 2, 10_001), row(15, 4, 10_110)],
      calm,
    );
    expect(summary(ranked)).toEqual([
      [12, 1],
      [14, 2],
      [13, 2],
      [11, 4],
      [15, 5],
    ]);
  });

  it('separates times that round to the same hundredth (10.521 beats 10.529)', () => {
    const ranked = rankHeat([row(1, 4, 10_529), row(2, 5, 10_521)], calm);
    expect(summary(ranked)).toEqual([
      [2, 1],
      [1, 2],
    ]);
  });

  it('shares first place three ways and skips to 4', () => {
    const ranked = rankHeat([row(1, 1, 11_000), row(2, 2, 10_000), row(3, 3, 10_000), row(4, 4, 10_000)], calm);
    expect(summary(ranked)).toEqual([
      [2, 1],
      [3, 1],
      [4, 1],
      [1, 4],
    ]);
  });

  it('lists DNF, then DQ, then DNS, then rows with no result, without places', () => {
    const ranked = rankHeat(
      [
        row(1, 1, null, 'DNS'),
        row(2, 2, null, null),
        row(3, 3, null, 'DQ'),
        row(4, 4, 10_200),
        row(5, 5, null, 'DNF'),
        row(6, 6, null, 'DQ'),
        row(7, 7, 10_100),
        row(8, 8, null, 'DNS'),
        row(9, 9, null, 'OK'), // a finish without a time: not rankable yet
      ],
      calm,
    );
    expect(summary(ranked)).toEqual([
      [7, 1],
      [4, 2],
      [5, null],
      [3, null],
      [6, null],
      [1, null],
      [8, null],
      [2, null],
      [9, null],
    ]);
  });

  it('orders a start list with no results by lane', () => {
    const ranked = rankHeat([row(1, 3, null), row(2, 1, null), row(3, 2, null)], calm);
    expect(summary(ranked)).toEqual([
      [2, null],
      [3, null],
      [1, null],
    ]);
  });

  it('returns copies with the input fields and leaves the input alone', () => {
    const input = [{ ...row(1, 2, 10_000), bib: '101' }, { ...row(2, 1, 9_000), bib: '102' }];
    const frozen = structuredClone(input);
    const ranked = rankHeat(input, calm);
    expect(input).toEqual(frozen);
    expect(ranked[0]).toEqual({ ...input[1], place: 1, flags: [] });
    expect(ranked[0]!.bib).toBe('102');
  });

  it('handles an empty heat', () => {
    expect(rankHeat([], calm)).toEqual([]);
  });

  describe('wind flag', () => {
    const heat = [row(1, 1, 10_000), row(2, 2, 10_100), row(3, 3, null, 'DNF'), row(4, 4, null)];
    const wOf = (opts: Parameters<typeof rankHeat>[1]) => rankHeat(heat, opts).map((r) => r.flags.includes('w'));

    it('+2.0 is legal', () => {
      expect(wOf({ windMps: 2.0, windMeasured: true })).toEqual([false, false, false, false]);
    });
    it('+2.1 flags every finisher, and only finishers', () => {
      expect(wOf({ windMps: 2.1, windMeasured: true })).toEqual([true, true, false, false]);
    });
    it('a raw +2.03 reads +2.1 and is assisted', () => {
      expect(wOf({ windMps: 2.03, windMeasured: true })).toEqual([true, true, false, false]);
    });
    it('no flag when wind is not measured for the event, or not known', () => {
      expect(wOf({ windMps: 3.5, windMeasured: false })).toEqual([false, false, false, false]);
      expect(wOf({ windMps: null, windMeasured: true })).toEqual([false, false, false, false]);
      expect(wOf({ windMeasured: true })).toEqual([false, false, false, false]);
    });
    it('a strong head wind is no flag', () => {
      expect(wOf({ windMps: -4.2, windMeasured: true })).toEqual([false, false, false, false]);
    });
  });

  describe('false-start flag', () => {
    it('flags a reaction under 0.100 s as a warning, keeping the place and status', () => {
      const ranked = rankHeat(
        [
          row(1, 1, 10_000, 'OK', { reactionMs: 99 }),
          row(2, 2, 10_100, 'OK', { reactionMs: 100 }),
          row(3, 3, 10_200, 'OK', { reactionMs: null }),
          row(4, 4, null, 'DQ', { reactionMs: 62 }),
        ],
        { windMps: 2.4, windMeasured: true },
      );
      expect(ranked.map((r) => [r.entryId, r.place, r.status, r.flags])).toEqual([
        [1, 1, 'OK', ['w', 'FS']],
        [2, 2, 'OK', ['w']],
        [3, 3, 'OK', ['w']],
        [4, null, 'DQ', ['FS']],
      ]);
    });

    it('computes flags afresh rather than keeping stale ones', () => {
      const stale = { ...row(1, 1, 10_000), flags: ['w', 'FS', 'Q'] as const };
      expect(rankHeat([stale], calm)[0]!.flags).toEqual([]);
    });
  });

  describe('judged places (photo finish from a timing system)', () => {
    it('take precedence over times', () => {
      // Same thousandths, but the judges separated them on the photo.
      const ranked = rankHeat(
        [row(1, 3, 10_000, 'OK', { judgedPlace: 2 }), row(2, 4, 10_000, 'OK', { judgedPlace: 1 }), row(3, 5, 10_300, 'OK', { judgedPlace: 3 })],
        calm,
      );
      expect(summary(ranked)).toEqual([
        [2, 1],
        [1, 2],
        [3, 3],
      ]);
    });

    it('keep a tie the judges declared, listed by lane, and are not renumbered', () => {
      const ranked = rankHeat(
        [row(1, 6, 10_010, 'OK', { judgedPlace: 2 }), row(2, 4, 10_000, 'OK', { judgedPlace: 2 }), row(3, 5, 9_900, 'OK', { judgedPlace: 1 }), row(4, 3, 10_500, 'OK', { judgedPlace: 3 })],
        calm,
      );
      expect(summary(ranked)).toEqual([
        [3, 1],
        [2, 2],
        [1, 2],
        [4, 3],
      ]);
    });

    it('in a mix, finishers without a judged place follow all judged ones, by time, places continuing', () => {
      const ranked = rankHeat(
        [
          row(1, 1, 10_000, 'OK', { judgedPlace: 1 }),
          row(2, 2, 10_100, 'OK', { judgedPlace: 2 }),
          row(3, 3, 9_900), // faster, but not judged
          row(4, 4, 10_400),
          row(5, 5, 10_400),
          row(6, 6, null, 'DNF', { judgedPlace: 9 }), // ignored: not a finisher
        ],
        calm,
      );
      expect(summary(ranked)).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
        [5, 4],
        [6, null],
      ]);
    });

    it('in a mix, unjudged places continue after the highest judged place when it is larger', () => {
      const ranked = rankHeat([row(1, 1, 10_000, 'OK', { judgedPlace: 1 }), row(2, 2, 10_100, 'OK', { judgedPlace: 5 }), row(3, 3, 10_200)], calm);
      expect(summary(ranked)).toEqual([
        [1, 1],
        [2, 5],
        [3, 6],
      ]);
    });

    it('in a mix, unjudged places continue after the number of judged finishers when places are tied', () => {
      const ranked = rankHeat(
        [row(1, 1, 10_000, 'OK', { judgedPlace: 1 }), row(2, 2, 10_000, 'OK', { judgedPlace: 1 }), row(3, 3, 10_000, 'OK', { judgedPlace: 1 }), row(4, 4, 10_200)],
        calm,
      );
      expect(summary(ranked).at(-1)).toEqual([4, 4]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const STATUSES: Status[] = ['OK', 'OK', 'OK', 'DNF', 'DQ', 'DNS', null];
/** A heat of up to 10 lanes; times from a small range so that ties are common. */
const heatArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 10 }), { minLength: 0, maxLength: 10 })
  .chain((lanes) =>
    fc.tuple(
      ...lanes.map((lane) =>
        fc.record({
          lane: fc.constant(lane),
          status: fc.constantFrom(...STATUSES),
          time: fc.integer({ min: 9_950, max: 9_960 }),
          reactionMs: fc.option(fc.integer({ min: 50, max: 250 })),
        }),
      ),
    ),
  )
  .map((rows) => rows.map((r, i): RankInput => ({ entryId: 100 + i, lane: r.lane, status: r.status, timeMs: r.status === 'OK' ? r.time : null, reactionMs: r.reactionMs })));

describe('rankHeat properties', () => {
  it('returns every row exactly once', () => {
    fc.assert(
      fc.property(heatArb, (rows) => {
        const ranked = rankHeat(rows, calm);
        expect(ranked.map((r) => r.entryId).toSorted()).toEqual(rows.map((r) => r.entryId).toSorted());
      }),
    );
  });

  it('place = 1 + the number of strictly faster finishers; unplaced rows have no place', () => {
    fc.assert(
      fc.property(heatArb, (rows) => {
        for (const r of rankHeat(rows, calm)) {
          if (r.status === 'OK') expect(r.place).toBe(1 + rows.filter((o) => o.status === 'OK' && o.timeMs! < r.timeMs!).length);
          else expect(r.place).toBeNull();
        }
      }),
    );
  });

  it('places are non-decreasing in display order, finishers first, then DNF, DQ, DNS, no result', () => {
    fc.assert(
      fc.property(heatArb, (rows) => {
        const ranked = rankHeat(rows, calm);
        for (let i = 1; i < ranked.length; i++) {
          const a = ranked[i - 1]!;
          const b = ranked[i]!;
          expect(statusOrder(a.status)).toBeLessThanOrEqual(statusOrder(b.status));
          if (a.place !== null && b.place !== null) expect(a.place).toBeLessThanOrEqual(b.place);
          // equal places, and each unplaced group, are listed by lane
          if (a.status === b.status && (a.status !== 'OK' || a.place === b.place)) expect(a.lane).toBeLessThan(b.lane);
        }
      }),
    );
  });

  it('does not depend on the order of the input', () => {
    fc.assert(
      fc.property(
        heatArb.chain((rows) => fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }))),
        ([rows, shuffled]) => {
          expect(rankHeat(shuffled, calm)).toEqual(rankHeat(rows, calm));
        },
      ),
    );
  });

  it('judged places given to every finisher are kept as they are', () => {
    fc.assert(
      fc.property(heatArb, fc.infiniteStream(fc.integer({ min: 1, max: 8 })), (rows, judges) => {
        const judged = rows.map((r) => (r.status === 'OK' ? { ...r, judgedPlace: judges.next().value } : r));
        const ranked = rankHeat(judged, calm);
        for (const r of ranked) expect(r.place).toBe(r.status === 'OK' ? r.judgedPlace : null);
        const places = ranked.filter((r) => r.place !== null).map((r) => r.place!);
        expect(places).toEqual(places.toSorted((a, b) => a - b));
      }),
    );
  });

  it('flags w exactly on finishers when the wind is over +2.0, FS exactly under 100 ms', () => {
    fc.assert(
      fc.property(heatArb, fc.integer({ min: -50, max: 50 }), fc.boolean(), (rows, wind10, measured) => {
        const windMps = wind10 / 10;
        for (const r of rankHeat(rows, { windMps, windMeasured: measured })) {
          expect(r.flags.includes('w')).toBe(measured && windMps > 2.0 && r.status === 'OK');
          expect(r.flags.includes('FS')).toBe(r.reactionMs != null && r.reactionMs < 100);
        }
      }),
    );
  });
});

describe('rankAcrossHeats', () => {
  it('ranks all finishers of the round by time, ties shared, then unplaced, with the heat id', () => {
    const ranked = rankAcrossHeats([
      { heatId: 7, rows: [row(1, 4, 10_100), row(2, 5, 10_000), row(3, 6, null, 'DNS'), row(4, 3, 10_250)] },
      { heatId: 8, rows: [row(5, 4, 10_050), row(6, 5, 10_100), row(7, 3, null, 'DNF'), row(8, 6, null, 'DQ'), row(9, 2, null)] },
    ]);
    expect(ranked.map((r) => [r.entryId, r.heatId, r.place])).toEqual([
      [2, 7, 1],
      [5, 8, 2],
      [1, 7, 3],
      [6, 8, 3],
      [4, 7, 5],
      [7, 8, null],
      [8, 8, null],
      [3, 7, null],
      [9, 8, null],
    ]);
  });

  it('ignores judged places (they are decisions within a heat)', () => {
    const ranked = rankAcrossHeats([{ heatId: 1, rows: [row(1, 1, 10_200, 'OK', { judgedPlace: 1 }), row(2, 2, 10_100, 'OK', { judgedPlace: 2 })] }]);
    expect(ranked.map((r) => [r.entryId, r.place])).toEqual([
      [2, 1],
      [1, 2],
    ]);
  });

  it('lists equal times by heat, then lane', () => {
    const ranked = rankAcrossHeats([
      { heatId: 2, rows: [row(1, 3, 10_000)] },
      { heatId: 1, rows: [row(2, 5, 10_000), row(3, 4, 10_000)] },
    ]);
    expect(ranked.map((r) => [r.entryId, r.heatId, r.place])).toEqual([
      [3, 1, 1],
      [2, 1, 1],
      [1, 2, 1],
    ]);
  });

  it('place = 1 + the number of strictly faster finishers in the round', () => {
    fc.assert(
      fc.property(fc.array(heatArb, { maxLength: 4 }), (heatRows) => {
        const heats = heatRows.map((rows, h) => ({ heatId: h + 1, rows: rows.map((r) => ({ ...r, entryId: r.entryId + 100 * h })) }));
        const all = heats.flatMap((h) => h.rows);
        const ranked = rankAcrossHeats(heats);
        expect(ranked).toHaveLength(all.length);
        for (const r of ranked) {
          expect(heats.find((h) => h.heatId === r.heatId)!.rows.some((o) => o.entryId === r.entryId)).toBe(true);
          if (r.status === 'OK') expect(r.place).toBe(1 + all.filter((o) => o.status === 'OK' && o.timeMs! < r.timeMs!).length);
          else expect(r.place).toBeNull();
        }
        for (let i = 1; i < ranked.length; i++) expect(statusOrder(ranked[i - 1]!.status)).toBeLessThanOrEqual(statusOrder(ranked[i]!.status));
      }),
    );
  });
});
