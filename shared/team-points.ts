// Team scoring: points per place (e.g. 10-8-6-5-4-3-2-1, configurable per meet), tied athletes
// sharing the points of the places they cover, and the team table. Pure and browser-safe.

export interface PlacedRow {
  entryId: number;
  place: number | null;
}

export interface TeamAward {
  team: string;
  points: number;
}

export interface TeamStanding {
  /** 1-based; teams on equal points share it and the next rank is skipped (1, 2, 2, 4). */
  rank: number;
  team: string;
  points: number;
}

/**
 * Points for each placed row: scheme[0] for 1st, scheme[1] for 2nd, ... A group of k athletes
 * tied on place p covers places p .. p+k-1 and each gets the mean of those places' points
 * (two tied 2nd on 10-8-6: (8 + 6) / 2 = 7 each). Places past the scheme are worth 0 (the row
 * is in the map with 0); unplaced rows (place null) are left out of the map.
 *
 * The places are trusted as given (so the rows of one team alone score correctly); with places
 * that follow the 1, 2, 2, 4 rule, the points awarded add up to the scheme's points for the
 * places the athletes cover. Shares can be fractional (13/3): they are not rounded here.
 */
export function placePoints(rows: PlacedRow[], scheme: readonly number[]): Map<number, number> {
  const byPlace = new Map<number, number[]>();
  for (const r of rows) {
    if (r.place === null) continue;
    if (!Number.isInteger(r.place) || r.place < 1) throw new RangeError(`a place is a positive integer, got ${r.place}`);
    byPlace.set(r.place, [...(byPlace.get(r.place) ?? []), r.entryId]);
  }
  const points = new Map<number, number>();
  for (const [place, entryIds] of byPlace) {
    let sum = 0;
    for (let p = place; p < place + entryIds.length; p++) sum += scheme[p - 1] ?? 0;
    for (const id of entryIds) points.set(id, sum / entryIds.length);
  }
  return points;
}

/** Totals are rounded to a millionth, so that shares like 13/3 added in any order tie exactly. */
const tidy = (n: number) => Math.round(n * 1e6) / 1e6 + 0;

/**
 * The team table: points totalled per team, most points first; teams on equal totals share the
 * rank (1, 2, 2, 4) and are listed alphabetically (by localeCompare, then by code unit so that
 * the order is the same everywhere).
 */
export function teamStandings(awards: readonly TeamAward[]): TeamStanding[] {
  const totals = new Map<string, number>();
  for (const a of awards) totals.set(a.team, (totals.get(a.team) ?? 0) + a.points);
  const sorted = [...totals]
    .map(([team, points]) => ({ team, points: tidy(points) }))
    .toSorted((a, b) => b.points - a.points || a.team.localeCompare(b.team, 'en') || (a.team < b.team ? -1 : a.team > b.team ? 1 : 0));
  const out: TeamStanding[] = [];
  sorted.forEach((t, i) => {
    const prev = out[i - 1];
    out.push({ rank: prev !== undefined && prev.points === t.points ? prev.rank : i + 1, team: t.team, points: t.points });
  });
  return out;
}
