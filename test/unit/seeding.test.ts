import { describe, expect, it } from 'vitest';
import { drawLanes, laneGroups, rankBySeed, SeedingError, seedHeats, seededRng } from '../../shared/seeding.js';

/** Entries 1..n whose seed mark equals their rank (entry 1 is the fastest). */
const field = (n: number) => Array.from({ length: n }, (_, i) => ({ entryId: i + 1, seedMark: 10_000 + i * 10 }));
const laneOf = (draw: { entryId: number; lane: number }[], entryId: number) => draw.find((d) => d.entryId === entryId)?.lane;

describe('laneGroups', () => {
  it('for 8 lanes: central four, then 7-8, then 1-2', () => {
    expect(laneGroups(8)).toEqual([[3, 4, 5, 6], [7, 8], [1, 2]]);
  });
  it('for 9 lanes keeps four central lanes and the extra outside one', () => {
    expect(laneGroups(9)).toEqual([[4, 5, 6, 7], [8, 9], [1, 2, 3]]);
  });
  it('for four lanes or fewer, one group', () => {
    expect(laneGroups(4)).toEqual([[1, 2, 3, 4]]);
    expect(laneGroups(1)).toEqual([[1]]);
  });
});

describe('rankBySeed', () => {
  it('ranks by mark and puts athletes without a mark last', () => {
    const ranked = rankBySeed([{ entryId: 1, seedMark: null }, { entryId: 2, seedMark: 10_500 }, { entryId: 3, seedMark: 10_100 }], seededRng(1));
    expect(ranked.map((e) => e.entryId)).toEqual([3, 2, 1]);
  });
});

describe('drawLanes (8 lanes)', () => {
  it('puts the best four in lanes 3-6, the next two in 7-8 and the last two in 1-2, whatever the draw', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const draw = drawLanes([1, 2, 3, 4, 5, 6, 7, 8], 8, seededRng(seed));
      expect(draw.map((d) => d.lane)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (const e of [1, 2, 3, 4]) expect([3, 4, 5, 6]).toContain(laneOf(draw, e));
      for (const e of [5, 6]) expect([7, 8]).toContain(laneOf(draw, e));
      for (const e of [7, 8]) expect([1, 2]).toContain(laneOf(draw, e));
    }
  });

  it('draws lanes by lot inside a group (different draws happen)', () => {
    const lanesOfBest = new Set<number>();
    for (let seed = 1; seed <= 30; seed++) lanesOfBest.add(laneOf(drawLanes([1, 2, 3, 4, 5, 6, 7, 8], 8, seededRng(seed)), 1)!);
    expect(lanesOfBest.size).toBeGreaterThan(1);
  });

  it('with fewer athletes than lanes, the best still draw the central lanes', () => {
    const draw = drawLanes([1, 2, 3], 8, seededRng(7));
    expect(draw).toHaveLength(3);
    for (const d of draw) expect([3, 4, 5, 6]).toContain(d.lane);
  });

  it('refuses more athletes than lanes', () => {
    expect(() => drawLanes([1, 2, 3, 4, 5, 6, 7, 8, 9], 8, seededRng(1))).toThrow(SeedingError);
  });
});

describe('seedHeats', () => {
  it('distributes ranked entries over the heats in serpentine order', () => {
    const heats = seedHeats(field(16), 2, 8, seededRng(3));
    const ids = heats.map((h) => h.map((d) => d.entryId).toSorted((a, b) => a - b));
    // Ranks 1..16 serpentine over two heats: A B B A A B B A ...
    expect(ids[0]).toEqual([1, 4, 5, 8, 9, 12, 13, 16]);
    expect(ids[1]).toEqual([2, 3, 6, 7, 10, 11, 14, 15]);
  });

  it('serpentine over three heats: 1 2 3 3 2 1 1 2 3', () => {
    const heats = seedHeats(field(9), 3, 8, seededRng(3));
    const ids = heats.map((h) => h.map((d) => d.entryId).toSorted((a, b) => a - b));
    expect(ids).toEqual([[1, 6, 7], [2, 5, 8], [3, 4, 9]]);
  });

  it('gives each heat\'s best four the central lanes', () => {
    const heats = seedHeats(field(16), 2, 8, seededRng(11));
    expect(heats[0]!.filter((d) => [3, 4, 5, 6].includes(d.lane)).map((d) => d.entryId).toSorted((a, b) => a - b)).toEqual([1, 4, 5, 8]);
    expect(heats[1]!.filter((d) => [3, 4, 5, 6].includes(d.lane)).map((d) => d.entryId).toSorted((a, b) => a - b)).toEqual([2, 3, 6, 7]);
  });

  it('uses the given seed marks, not the input order', () => {
    const shuffled = field(8).toReversed();
    const [heat] = seedHeats(shuffled, 1, 8, seededRng(5));
    for (const e of [1, 2, 3, 4]) expect([3, 4, 5, 6]).toContain(laneOf(heat!, e));
  });

  it('refuses too many entries for the heats and lanes', () => {
    expect(() => seedHeats(field(17), 2, 8)).toThrow(SeedingError);
    expect(() => seedHeats(field(17), 2, 8)).toThrow(/17 entries do not fit 2 heat\(s\) of 8 lanes/);
    expect(() => seedHeats(field(4), 0, 8)).toThrow(SeedingError);
  });
});
