// Qualification from one round to the next: Q, the first N of each heat by place; q, the next M
// fastest across all heats by time. Pure and browser-safe.
//
// Decisions (DOMAIN.md leaves them open; each is applied in qualify below):
// 1. A tie for the last Q place: every tied athlete gets Q (a place <= byPlace is a Q, and tied
//    athletes share a place). Lanes are not consulted for Q. Every Q beyond byPlace in a heat
//    takes one q place away, so the total stays byPlace * heats + byTime ("a tie for the last Q
//    place can push one fewer athlete through on time"); if the extra Qs outnumber the q places,
//    there is no q and the total is larger.
// 2. A heat with fewer than byPlace finishers leaves its Q places unused: they are NOT passed on
//    as extra q places (the published system says "the next M fastest"), so the total is smaller.
// 3. q ties are compared in thousandths only. A tie at the last q place: if `lanes` is given and
//    every qualifier fits when all the tied athletes advance, they all get q; otherwise (or when
//    `lanes` is not given, i.e. no spare lane is known) the places left are drawn by lot with
//    `rng` among the tied athletes, and those drawn get 'qD'; the others are out.
// 4. Only finishers (status OK with a time) qualify; a Q also needs a place.
import type { ResultStatus } from './schemas/results.js';

export type QualificationMark = 'Q' | 'q' | 'qD';

export interface QualifyRow {
  entryId: number;
  /** Place in the heat (rankHeat's place). */
  place: number | null;
  timeMs: number | null;
  status: ResultStatus | null;
}

export interface QualifyHeat {
  heatId: number;
  rows: QualifyRow[];
}

export interface QualificationRule {
  /** Q: the first byPlace of each heat. */
  byPlace: number;
  /** q: the next byTime fastest across all heats. */
  byTime: number;
  /** Lanes (or places) in the next round, to decide whether all athletes tied for the last q fit. */
  lanes?: number;
}

export class QualificationError extends Error {}

function shuffle<T>(items: T[], rng: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const isCount = (n: number) => Number.isInteger(n) && n >= 0;

/**
 * The qualifiers of a round: entryId -> 'Q' | 'q' | 'qD'; athletes who do not advance are absent.
 * See the decisions at the top of this file for ties. `rng` (default Math.random) is used only
 * for a draw; pass seededRng from seeding.ts for a reproducible one. Throws QualificationError
 * on a rule whose counts are not non-negative integers.
 */
export function qualify(heats: QualifyHeat[], rule: QualificationRule, rng: () => number = Math.random): Map<number, QualificationMark> {
  const { byPlace, byTime, lanes } = rule;
  if (!isCount(byPlace) || !isCount(byTime) || (lanes !== undefined && !isCount(lanes))) {
    throw new QualificationError(`byPlace, byTime and lanes must be non-negative integers`);
  }
  const marks = new Map<number, QualificationMark>();
  const finishes = (r: QualifyRow): r is QualifyRow & { timeMs: number } => r.status === 'OK' && r.timeMs !== null;

  let extraQ = 0;
  for (const heat of heats) {
    const q = heat.rows.filter((r) => finishes(r) && r.place !== null && r.place <= byPlace);
    for (const r of q) marks.set(r.entryId, 'Q');
    extraQ += Math.max(0, q.length - byPlace);
  }

  const qPlaces = Math.max(0, byTime - extraQ);
  if (qPlaces === 0) return marks;
  const candidates = heats
    .flatMap((h) => h.rows.filter(finishes).map((r) => ({ ...r, heatId: h.heatId })))
    .filter((r) => !marks.has(r.entryId))
    .toSorted((a, b) => a.timeMs - b.timeMs || a.heatId - b.heatId || a.entryId - b.entryId);
  if (candidates.length <= qPlaces) {
    for (const r of candidates) marks.set(r.entryId, 'q');
    return marks;
  }

  const cut = candidates[qPlaces - 1]!.timeMs;
  const faster = candidates.filter((r) => r.timeMs < cut);
  const tied = candidates.filter((r) => r.timeMs === cut);
  for (const r of faster) marks.set(r.entryId, 'q');
  const left = qPlaces - faster.length;
  if (tied.length <= left || (lanes !== undefined && marks.size + tied.length <= lanes)) {
    for (const r of tied) marks.set(r.entryId, 'q');
  } else {
    for (const r of shuffle(tied, rng).slice(0, left)) marks.set(r.entryId, 'qD');
  }
  return marks;
}
