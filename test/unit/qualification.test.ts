import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { qualify, QualificationError, type QualificationMark, type QualifyHeat, type QualifyRow } from '../../shared/qualification.js';
import { rankHeat, type RankInput } from '../../shared/ranking.js';
import { seededRng } from '../../shared/seeding.js';

/** A heat from finishing times (null = DNF), places computed by rankHeat; entryIds heatId*10 + i. */
function heat(heatId: number, times: Array<number | null>): QualifyHeat {
  const rows: RankInput[] = times.map((t, i) => ({ entryId: heatId * 10 + i, lane: i + 1, timeMs: t, status: t === null ? 'DNF' : 'OK' }));
  return { heatId, rows: rankHeat(rows, { windMeasured: false }).map(({ entryId, place, timeMs, status }) => ({ entryId, place, timeMs, status })) };
}
const sortedEntries = (marks: Map<number, QualificationMark>) => [...marks].toSorted(([a], [b]) => a - b);
const count = (marks: Map<number, QualificationMark>, mark: QualificationMark) => [...marks.values()].filter((m) => m === mark).length;
const never = () => {
  throw new Error('no draw expected');
};

describe('qualify', () => {
  // Three heats of five, Q2 + q2.
  const h1 = heat(1, [10_100, 10_200, 10_300, 10_400, 10_500]);
  const h2 = heat(2, [10_150, 10_250, 10_350, 10_450, null]);
  const h3 = heat(3, [10_120, 10_220, 10_320, 10_420, 10_520]);

  it('Q to the first byPlace of each heat, q to the next byTime fastest', () => {
    const marks = qualify([h1, h2, h3], { byPlace: 2, byTime: 2 }, never);
    expect(sortedEntries(marks)).toEqual([
      [10, 'Q'],
      [11, 'Q'],
      [12, 'q'], // 10.300
      [20, 'Q'],
      [21, 'Q'],
      [30, 'Q'],
      [31, 'Q'],
      [32, 'q'], // 10.320
    ]);
  });

  it('q goes by time even when a heat is much faster (10.350 in heat 2 is out)', () => {
    const marks = qualify([h1, h2, h3], { byPlace: 2, byTime: 2 }, never);
    expect(marks.has(22)).toBe(false);
  });

  it('compares q candidates in thousandths (10.321 beats 10.329)', () => {
    const marks = qualify([heat(1, [10_000, 10_329]), heat(2, [10_000, 10_321])], { byPlace: 1, byTime: 1 }, never);
    expect(marks.get(21)).toBe('q');
    expect(marks.has(11)).toBe(false);
  });

  it('a tie for the last Q place: all tied get Q and one fewer goes through on time', () => {
    const tiedHeat = heat(1, [10_100, 10_200, 10_200, 10_400, 10_500]); // places 1, 2, 2, 4, 5
    const marks = qualify([tiedHeat, h2, h3], { byPlace: 2, byTime: 2 }, never);
    expect(marks.get(11)).toBe('Q');
    expect(marks.get(12)).toBe('Q');
    expect(count(marks, 'Q')).toBe(7);
    expect(count(marks, 'q')).toBe(1);
    expect(marks.get(32)).toBe('q'); // 10.320, the fastest of the rest
    expect(marks.has(22)).toBe(false);
    expect(marks.size).toBe(2 * 3 + 2);
  });

  it('a three-way tie for first with Q2: all three get Q', () => {
    const marks = qualify([heat(1, [10_000, 10_000, 10_000, 10_400])], { byPlace: 2, byTime: 1 }, never);
    expect(sortedEntries(marks)).toEqual([
      [10, 'Q'],
      [11, 'Q'],
      [12, 'Q'],
    ]);
  });

  it('Q ties beyond the q places leave no q, and the total grows', () => {
    const a = heat(1, [10_000, 10_100, 10_100, 10_100]); // Q2: 4 Qs, 2 extra
    const marks = qualify([a, heat(2, [9_000, 9_100, 9_200])], { byPlace: 2, byTime: 1 }, never);
    expect(count(marks, 'Q')).toBe(6);
    expect(count(marks, 'q')).toBe(0);
    expect(marks.has(22)).toBe(false);
  });

  it('a tie at the last q place: all advance when the lanes allow', () => {
    // Q1 in each of 2 heats + q1; 10.300 in both heats for the one q place; 4 lanes in the final.
    const heats = [heat(1, [10_000, 10_300, 10_500]), heat(2, [10_100, 10_300, 10_600])];
    const marks = qualify(heats, { byPlace: 1, byTime: 1, lanes: 4 }, never);
    expect(sortedEntries(marks)).toEqual([
      [10, 'Q'],
      [11, 'q'],
      [20, 'Q'],
      [21, 'q'],
    ]);
  });

  it('a tie at the last q place: drawn by lot (qD) when the lanes do not allow', () => {
    const heats = [heat(1, [10_000, 10_300, 10_500]), heat(2, [10_100, 10_300, 10_600])];
    // Candidates tied at 10.300, in order heat 1 then heat 2; the shuffle swaps them when rng() is low.
    const first = qualify(heats, { byPlace: 1, byTime: 1, lanes: 3 }, () => 0.99);
    const second = qualify(heats, { byPlace: 1, byTime: 1, lanes: 3 }, () => 0);
    expect(sortedEntries(first)).toEqual([
      [10, 'Q'],
      [11, 'qD'],
      [20, 'Q'],
    ]);
    expect(sortedEntries(second)).toEqual([
      [10, 'Q'],
      [20, 'Q'],
      [21, 'qD'],
    ]);
  });

  it('a tie at the last q place without a lane count is drawn by lot', () => {
    const heats = [heat(1, [10_000, 10_300]), heat(2, [10_100, 10_300])];
    const marks = qualify(heats, { byPlace: 1, byTime: 1 }, seededRng(42));
    expect(count(marks, 'qD')).toBe(1);
    expect(marks.size).toBe(3);
  });

  it('draws as many as the places left: three tied for two q places', () => {
    const heats = [heat(1, [10_000, 10_200, 10_300]), heat(2, [10_100, 10_300]), heat(3, [10_050, 10_300])];
    const marks = qualify(heats, { byPlace: 1, byTime: 3, lanes: 6 }, seededRng(7));
    expect(marks.get(11)).toBe('q'); // 10.200, clear of the tie
    expect(count(marks, 'qD')).toBe(2);
    expect([12, 21, 31].filter((id) => marks.get(id) === 'qD')).toHaveLength(2);
    expect(marks.size).toBe(6);
  });

  it('the draw is reproducible with a seeded generator', () => {
    const heats = [heat(1, [10_000, 10_300]), heat(2, [10_100, 10_300]), heat(3, [10_050, 10_300])];
    for (let seed = 0; seed < 20; seed++) {
      expect(qualify(heats, { byPlace: 1, byTime: 1 }, seededRng(seed))).toEqual(qualify(heats, { byPlace: 1, byTime: 1 }, seededRng(seed)));
    }
  });

  it('a tie inside the q places (not at the last one) needs no draw', () => {
    const heats = [heat(1, [10_000, 10_300, 10_400]), heat(2, [10_100, 10_300, 10_500])];
    const marks = qualify(heats, { byPlace: 1, byTime: 3 }, never);
    expect(sortedEntries(marks)).toEqual([
      [10, 'Q'],
      [11, 'q'],
      [12, 'q'],
      [20, 'Q'],
      [21, 'q'],
    ]);
  });

  it('a heat with fewer finishers than Q places does not pass its spare places on to q', () => {
    const short = heat(2, [10_150, null, null]);
    const marks = qualify([h1, short], { byPlace: 2, byTime: 1 }, never);
    expect(sortedEntries(marks)).toEqual([
      [10, 'Q'],
      [11, 'Q'],
      [12, 'q'],
      [20, 'Q'],
    ]);
  });

  it('only finishers qualify: no Q for a place carried by a DQ, no q for a DNS', () => {
    const rows: QualifyRow[] = [
      { entryId: 1, place: 1, timeMs: 10_000, status: 'OK' },
      { entryId: 2, place: 2, timeMs: null, status: 'DQ' }, // stale place
      { entryId: 3, place: 3, timeMs: 10_200, status: 'OK' },
      { entryId: 4, place: null, timeMs: null, status: 'DNS' },
      { entryId: 5, place: null, timeMs: null, status: null },
      { entryId: 6, place: null, timeMs: 9_000, status: 'DQ' }, // a time read before the DQ
      { entryId: 7, place: null, timeMs: 9_500, status: null }, // a reading not yet confirmed
    ];
    const marks = qualify([{ heatId: 1, rows }], { byPlace: 2, byTime: 5 }, never);
    expect(sortedEntries(marks)).toEqual([
      [1, 'Q'],
      [3, 'q'],
    ]);
  });

  it('fewer candidates than q places: all of them get q', () => {
    const marks = qualify([heat(1, [10_000, 10_100, 10_100])], { byPlace: 1, byTime: 5 }, never);
    expect(sortedEntries(marks)).toEqual([
      [10, 'Q'],
      [11, 'q'],
      [12, 'q'],
    ]);
  });

  it('byTime 0: straight final qualifiers by place only; no heats: nobody', () => {
    expect(count(qualify([h1, h2, h3], { byPlace: 3, byTime: 0 }, never), 'Q')).toBe(9);
    expect(qualify([h1, h2, h3], { byPlace: 3, byTime: 0 }, never).size).toBe(9);
    expect(qualify([], { byPlace: 3, byTime: 2 }, never).size).toBe(0);
  });

  it.each([
    { byPlace: -1, byTime: 2 },
    { byPlace: 1.5, byTime: 2 },
    { byPlace: 2, byTime: Number.NaN },
    { byPlace: 2, byTime: 2, lanes: -8 },
  ])('refuses the rule %o', (rule) => {
    expect(() => qualify([h1], rule)).toThrow(QualificationError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** Heats ranked by rankHeat; times from `span` thousandths above 10.000 (small span: many ties). */
const roundArb = (span: number, minFinishers: number) =>
  fc
    .array(
      fc.record({
        times: fc.array(fc.integer({ min: 10_000, max: 10_000 + span }), { minLength: minFinishers, maxLength: 8 }),
        dnf: fc.integer({ min: 0, max: 2 }),
      }),
      { minLength: 1, maxLength: 5 },
    )
    .map((hs) => hs.map((h, i) => heat(i + 1, [...h.times, ...Array<null>(h.dnf).fill(null)])));
const ruleArb = fc.record({ byPlace: fc.integer({ min: 0, max: 4 }), byTime: fc.integer({ min: 0, max: 6 }) });

describe('qualify properties', () => {
  it('with no ties, total qualifiers = byPlace * heats + byTime when every heat has enough finishers', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 9_000, max: 12_000 }), { minLength: 40, maxLength: 40 }),
        fc.integer({ min: 1, max: 5 }),
        ruleArb,
        (times, heatCount, { byPlace, byTime }) => {
          const perHeat = 8;
          const heats = Array.from({ length: heatCount }, (_, h) => heat(h + 1, times.slice(h * perHeat, (h + 1) * perHeat)));
          const marks = qualify(heats, { byPlace, byTime }, never);
          const expected = Math.min(byPlace * heatCount + byTime, perHeat * heatCount);
          expect(marks.size).toBe(expected);
          expect(count(marks, 'Q')).toBe(Math.min(byPlace, perHeat) * heatCount);
          expect(count(marks, 'qD')).toBe(0);
        },
      ),
    );
  });

  it('Q is exactly the finishers placed within byPlace; q and qD are never slower than anyone left out', () => {
    fc.assert(
      fc.property(roundArb(6, 0), ruleArb, fc.integer(), (heats, rule, seed) => {
        const marks = qualify(heats, rule, seededRng(seed));
        const rows = heats.flatMap((h) => h.rows);
        for (const r of rows) {
          const isQ = r.status === 'OK' && r.place !== null && r.place <= rule.byPlace;
          expect(marks.get(r.entryId) === 'Q').toBe(isQ);
          if (r.status !== 'OK') expect(marks.has(r.entryId)).toBe(false);
        }
        const onTime = rows.filter((r) => marks.get(r.entryId) === 'q' || marks.get(r.entryId) === 'qD');
        const out = rows.filter((r) => r.status === 'OK' && !marks.has(r.entryId));
        for (const a of onTime) for (const b of out) expect(a.timeMs!).toBeLessThanOrEqual(b.timeMs!);
      }),
    );
  });

  it('the q places shrink by the extra Qs of ties; a draw fills exactly the places left', () => {
    fc.assert(
      fc.property(roundArb(6, 0), ruleArb, fc.integer(), (heats, { byPlace, byTime }, seed) => {
        const marks = qualify(heats, { byPlace, byTime }, seededRng(seed));
        const extraQ = heats.reduce((n, h) => n + Math.max(0, h.rows.filter((r) => r.status === 'OK' && r.place! <= byPlace).length - byPlace), 0);
        const candidates = heats.flatMap((h) => h.rows).filter((r) => r.status === 'OK' && marks.get(r.entryId) !== 'Q').length;
        // without a lane count, q + qD is exactly the q places left (or every candidate, if fewer)
        expect(count(marks, 'q') + count(marks, 'qD')).toBe(Math.min(Math.max(0, byTime - extraQ), candidates));
      }),
    );
  });

  it('qD only at a tie at the last q place: all drawn share one time, and someone with that time is out', () => {
    fc.assert(
      fc.property(roundArb(3, 1), ruleArb, fc.integer(), (heats, rule, seed) => {
        const marks = qualify(heats, rule, seededRng(seed));
        const rows = heats.flatMap((h) => h.rows);
        const drawn = rows.filter((r) => marks.get(r.entryId) === 'qD');
        if (drawn.length === 0) return;
        const t = drawn[0]!.timeMs;
        expect(drawn.every((r) => r.timeMs === t)).toBe(true);
        expect(rows.some((r) => r.status === 'OK' && r.timeMs === t && !marks.has(r.entryId))).toBe(true);
        expect(rows.some((r) => marks.get(r.entryId) === 'q' && r.timeMs === t)).toBe(false);
      }),
    );
  });

  it('with lanes, all tied advance when they fit, else the total stays within the q places', () => {
    fc.assert(
      fc.property(roundArb(3, 1), ruleArb, fc.integer({ min: 0, max: 40 }), fc.integer(), (heats, { byPlace, byTime }, lanes, seed) => {
        const withLanes = qualify(heats, { byPlace, byTime, lanes }, seededRng(seed));
        const without = qualify(heats, { byPlace, byTime }, seededRng(seed));
        if (count(without, 'qD') === 0) {
          expect(withLanes).toEqual(without);
        } else if (withLanes.size > without.size) {
          // the lanes let every tied athlete through
          expect(withLanes.size).toBeLessThanOrEqual(lanes);
          expect(count(withLanes, 'qD')).toBe(0);
        } else {
          expect(withLanes).toEqual(without);
        }
      }),
    );
  });
});
