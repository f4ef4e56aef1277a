import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rankHeat, type RankInput } from '../../shared/ranking.js';
import { placePoints, teamStandings } from '../../shared/team-points.js';

const SCHEME = [10, 8, 6, 5, 4, 3, 2, 1];
const placed = (...places: Array<number | null>) => places.map((place, i) => ({ entryId: i + 1, place }));
const asObject = (m: Map<number, number>) => Object.fromEntries(m);

describe('placePoints', () => {
  it('gives each place its points', () => {
    expect(asObject(placePoints(placed(1, 2, 3, 4, 5, 6, 7, 8), SCHEME))).toEqual({ 1: 10, 2: 8, 3: 6, 4: 5, 5: 4, 6: 3, 7: 2, 8: 1 });
  });

  it('two tied 2nd share (8 + 6) / 2 = 7, and the next is 4th', () => {
    expect(asObject(placePoints(placed(1, 2, 2, 4), SCHEME))).toEqual({ 1: 10, 2: 7, 3: 7, 4: 5 });
  });

  it('three tied 1st share (10 + 8 + 6) / 3 = 8', () => {
    expect(asObject(placePoints(placed(1, 1, 1, 4), SCHEME))).toEqual({ 1: 8, 2: 8, 3: 8, 4: 5 });
  });

  it('shares can be fractional: three tied 4th get (5 + 4 + 3) / 3 = 4, two tied 3rd 5.5', () => {
    expect(asObject(placePoints(placed(4, 4, 4), SCHEME))).toEqual({ 1: 4, 2: 4, 3: 4 });
    expect(asObject(placePoints(placed(3, 3), SCHEME))).toEqual({ 1: 5.5, 2: 5.5 });
    expect(placePoints(placed(6, 6, 6), [10, 8, 6, 5, 4, 3, 2, 2]).get(1)).toBeCloseTo(7 / 3, 12);
  });

  it('a tie across the end of the scheme shares what is left: tied 8th of 8 get (1 + 0) / 2', () => {
    expect(asObject(placePoints(placed(7, 8, 8), SCHEME))).toEqual({ 1: 2, 2: 0.5, 3: 0.5 });
  });

  it('places past the scheme get 0; unplaced rows get nothing', () => {
    const points = placePoints(placed(1, 9, 12, null), SCHEME);
    expect(asObject(points)).toEqual({ 1: 10, 2: 0, 3: 0 });
    expect(points.has(4)).toBe(false);
  });

  it('scores a subset of the rows (one team) by the places given', () => {
    expect(asObject(placePoints([{ entryId: 7, place: 3 }], SCHEME))).toEqual({ 7: 6 });
  });

  it('handles an empty scheme and no rows', () => {
    expect(asObject(placePoints(placed(1, 2), []))).toEqual({ 1: 0, 2: 0 });
    expect(placePoints([], SCHEME).size).toBe(0);
  });

  it.each([0, -1, 1.5])('refuses a place of %d', (place) => {
    expect(() => placePoints([{ entryId: 1, place }], SCHEME)).toThrow(RangeError);
  });
});

describe('teamStandings', () => {
  it('totals per team, most points first', () => {
    expect(
      teamStandings([
        { team: 'KEN', points: 10 },
        { team: 'USA', points: 8 },
        { team: 'KEN', points: 5 },
        { team: 'JAM', points: 6 },
        { team: 'USA', points: 4 },
      ]),
    ).toEqual([
      { rank: 1, team: 'KEN', points: 15 },
      { rank: 2, team: 'USA', points: 12 },
      { rank: 3, team: 'JAM', points: 6 },
    ]);
  });

  it('shares ranks on ties (1, 2, 2, 4), tied teams listed alphabetically', () => {
    expect(
      teamStandings([
        { team: 'USA', points: 9 },
        { team: 'GBR', points: 9 },
        { team: 'KEN', points: 20 },
        { team: 'ETH', points: 3 },
      ]),
    ).toEqual([
      { rank: 1, team: 'KEN', points: 20 },
      { rank: 2, team: 'GBR', points: 9 },
      { rank: 2, team: 'USA', points: 9 },
      { rank: 4, team: 'ETH', points: 3 },
    ]);
  });

  it('treats shares that add up to the same total as a tie, whatever the order they were added in', () => {
    const third = 13 / 3;
    const table = teamStandings([
      { team: 'B', points: third },
      { team: 'B', points: third },
      { team: 'B', points: third },
      { team: 'A', points: 13 },
    ]);
    expect(table.map((t) => [t.rank, t.team])).toEqual([
      [1, 'A'],
      [1, 'B'],
    ]);
  });

  it('rounds totals to a millionth so float sums tie (1/3 + 4/3 + 1/3 is 1.9999999999999998 in binary)', () => {
    const table = teamStandings([
      { team: 'B', points: 1 / 3 },
      { team: 'B', points: 4 / 3 },
      { team: 'B', points: 1 / 3 },
      { team: 'A', points: 2 },
    ]);
    expect(table).toEqual([
      { rank: 1, team: 'A', points: 2 },
      { rank: 1, team: 'B', points: 2 },
    ]);
  });

  it('keeps a team with zero points, and gives nothing for no awards', () => {
    expect(teamStandings([{ team: 'ISL', points: 0 }])).toEqual([{ rank: 1, team: 'ISL', points: 0 }]);
    expect(teamStandings([])).toEqual([]);
  });

  it('sorts Unicode team names as text', () => {
    expect(teamStandings([{ team: 'Örebro', points: 1 }, { team: 'Oslo', points: 1 }, { team: 'Zürich', points: 1 }, { team: 'Aarhus', points: 1 }]).map((t) => t.team)).toEqual([
      'Aarhus',
      'Örebro',
      'Oslo',
      'Zürich',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

/** A final ranked by rankHeat (so places follow 1, 2, 2, 4), with some DNFs. */
const finalArb = fc
  .array(fc.option(fc.integer({ min: 10_000, max: 10_004 }), { nil: null, freq: 5 }), { maxLength: 14 })
  .map((times) =>
    rankHeat(
      times.map((t, i): RankInput => ({ entryId: i + 1, lane: i + 1, timeMs: t, status: t === null ? 'DNF' : 'OK' })),
      { windMeasured: false },
    ),
  );
const schemeArb = fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 10 });
const sum = (xs: Iterable<number>) => [...xs].reduce((a, b) => a + b, 0);

describe('team points properties', () => {
  it('points are conserved: the sum awarded = the scheme summed over the places covered', () => {
    fc.assert(
      fc.property(finalArb, schemeArb, (rows, scheme) => {
        const finishers = rows.filter((r) => r.place !== null).length;
        const points = placePoints(rows, scheme);
        expect(points.size).toBe(finishers);
        expect(sum(points.values())).toBeCloseTo(sum(scheme.slice(0, finishers)), 9);
      }),
    );
  });

  it('tied athletes get equal points, and a better place never gets fewer points with a decreasing scheme', () => {
    fc.assert(
      fc.property(finalArb, schemeArb, (rows, rawScheme) => {
        const scheme = rawScheme.toSorted((a, b) => b - a);
        const points = placePoints(rows, scheme);
        const finishers = rows.filter((r) => r.place !== null);
        for (const a of finishers) {
          for (const b of finishers) {
            if (a.place === b.place) expect(points.get(a.entryId)).toBe(points.get(b.entryId));
            if (a.place! < b.place!) expect(points.get(a.entryId)!).toBeGreaterThanOrEqual(points.get(b.entryId)!);
          }
        }
      }),
    );
  });

  it('standings: totals are conserved, ranks follow the points, ties alphabetical', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ team: fc.constantFrom('KEN', 'USA', 'JAM', 'GBR', 'ETH'), points: fc.integer({ min: 0, max: 12 }) })), (awards) => {
        const table = teamStandings(awards);
        expect(table).toHaveLength(new Set(awards.map((a) => a.team)).size);
        expect(sum(table.map((t) => t.points))).toBe(sum(awards.map((a) => a.points)));
        for (const t of table) {
          expect(t.points).toBe(sum(awards.filter((a) => a.team === t.team).map((a) => a.points)));
          expect(t.rank).toBe(1 + table.filter((o) => o.points > t.points).length);
        }
        for (let i = 1; i < table.length; i++) {
          const a = table[i - 1]!;
          const b = table[i]!;
          expect(a.points).toBeGreaterThanOrEqual(b.points);
          if (a.points === b.points) expect(a.team < b.team).toBe(true);
        }
      }),
    );
  });
});
