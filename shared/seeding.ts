// Seeding heats from seed marks, and the lane draw, as the rules and meet software do it:
// serpentine distribution of the ranked entries over the heats, then lanes drawn by lot within
// groups ranked by seed (8 lanes: best four draw 3-6, next two 7-8, last two 1-2).

export interface SeedCandidate {
  entryId: number;
  /** Lower is better for track/road times; null (no mark) seeds last. */
  seedMark: number | null;
}

export interface LaneDraw {
  entryId: number;
  lane: number;
}

export type Rng = () => number;

export class SeedingError extends Error {}

/** Lanes grouped from most to least favourable; each group is drawn by lot among its athletes:
 *  the four central lanes, then the outside lanes, then the inside lanes (tightest bends). */
export function laneGroups(laneCount: number): number[][] {
  const lanes = Array.from({ length: laneCount }, (_, i) => i + 1);
  if (laneCount <= 4) return [lanes];
  const first = Math.ceil((laneCount - 4) / 2) + 1;
  const central = lanes.filter((l) => l >= first && l < first + 4);
  const outside = lanes.filter((l) => l >= first + 4);
  const inside = lanes.filter((l) => l < first);
  return [central, outside, inside].filter((g) => g.length > 0);
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Ranks by seed mark (ties and missing marks broken by lot). */
export function rankBySeed(entries: SeedCandidate[], rng: Rng): SeedCandidate[] {
  const keyed = shuffle(entries, rng);
  return keyed.toSorted((a, b) => (a.seedMark ?? Infinity) - (b.seedMark ?? Infinity));
}

/** Draws lanes for one heat's athletes, given in seed order (best first). */
export function drawLanes(ranked: number[], laneCount: number, rng: Rng): LaneDraw[] {
  if (ranked.length > laneCount) throw new SeedingError(`${ranked.length} athletes do not fit ${laneCount} lanes`);
  const out: LaneDraw[] = [];
  let next = 0;
  for (const group of laneGroups(laneCount)) {
    const athletes = ranked.slice(next, next + group.length);
    next += athletes.length;
    // With fewer athletes than the group has lanes, they draw among the group's lanes.
    const lanes = shuffle(group, rng).slice(0, athletes.length);
    athletes.forEach((entryId, i) => out.push({ entryId, lane: lanes[i]! }));
  }
  return out.toSorted((a, b) => a.lane - b.lane);
}

/** Serpentine seeding into heatCount heats of laneCount lanes, with a lane draw in each. */
export function seedHeats(entries: SeedCandidate[], heatCount: number, laneCount: number, rng: Rng = Math.random): LaneDraw[][] {
  if (heatCount < 1) throw new SeedingError('at least one heat');
  if (entries.length > heatCount * laneCount) {
    throw new SeedingError(`${entries.length} entries do not fit ${heatCount} heat(s) of ${laneCount} lanes`);
  }
  const ranked = rankBySeed(entries, rng);
  const heats: number[][] = Array.from({ length: heatCount }, () => []);
  ranked.forEach((e, i) => {
    const pass = Math.floor(i / heatCount);
    const pos = i % heatCount;
    heats[pass % 2 === 0 ? pos : heatCount - 1 - pos]!.push(e.entryId);
  });
  return heats.map((h) => drawLanes(h, laneCount, rng));
}

/** A small deterministic generator for reproducible draws (demo data, tests). */
export function seededRng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
