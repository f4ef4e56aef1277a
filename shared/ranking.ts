// Ranking a heat (and a round across heats) by the rules of DOMAIN.md: finishers by their
// thousandths, equal thousandths share the place and the next place is skipped (1, 2, 2, 4);
// photo-finish places supplied by a timing system take precedence; then DNF, DQ, DNS without a
// place; then the start list of athletes with no result yet. Pure and browser-safe.
import type { ResultFlag, ResultStatus } from './schemas/results.js';
import { isPossibleFalseStart, isWindAssisted } from './time.js';

export interface RankInput {
  entryId: number;
  lane: number;
  timeMs: number | null;
  /** null: no result yet. */
  status: ResultStatus | null;
  /** Photo-finish judges' place supplied by a timing system (LIF place column). */
  judgedPlace?: number | null;
  reactionMs?: number | null;
}

export interface RankHeatOptions {
  windMps?: number | null;
  windMeasured: boolean;
}

export type Ranked<T> = T & { place: number | null; flags: ResultFlag[] };
export type RankedAcrossHeats<T> = T & { heatId: number; place: number | null };

const STATUS_ORDER = { OK: 0, DNF: 1, DQ: 2, DNS: 3 } as const;
const PENDING = 4;

/**
 * Where a status sorts: OK 0, DNF 1, DQ 2, DNS 3, no result yet (null) 4.
 * (A function, not a table, because null is a status here.)
 */
export function statusOrder(status: ResultStatus | null): number {
  return status === null ? PENDING : STATUS_ORDER[status];
}

/** A finisher: status OK with a time. An OK without a time (the schema refuses one) is pending. */
export function isFinisher(row: Pick<RankInput, 'status' | 'timeMs'>): row is Pick<RankInput, 'status'> & { timeMs: number } {
  return row.status === 'OK' && row.timeMs !== null;
}

function group(row: Pick<RankInput, 'status' | 'timeMs'>): number {
  if (row.status === 'OK') return row.timeMs === null ? PENDING : 0;
  return statusOrder(row.status);
}

/**
 * Display order by times alone (judged places are not looked at): finishers by thousandths,
 * then DNF, DQ, DNS, then rows without a result; within a group by lane, then entryId so that
 * the order is total even on bad data. Negative: a first.
 */
export function compareForRanking(
  a: Pick<RankInput, 'entryId' | 'lane' | 'timeMs' | 'status'>,
  b: Pick<RankInput, 'entryId' | 'lane' | 'timeMs' | 'status'>,
): number {
  const ga = group(a);
  const gb = group(b);
  if (ga !== gb) return ga - gb;
  if (ga === 0) {
    const d = a.timeMs! - b.timeMs!;
    if (d !== 0) return d;
  }
  return a.lane - b.lane || a.entryId - b.entryId;
}

/** Places for rows already sorted by time: equal times share, the next place skips (1, 2, 2, 4). */
function placesByTime(sorted: Array<{ timeMs: number | null }>, first = 1): number[] {
  const places: number[] = [];
  sorted.forEach((row, i) => {
    const prev = sorted[i - 1];
    places.push(prev !== undefined && prev.timeMs === row.timeMs ? places[i - 1]! : first + i);
  });
  return places;
}

/**
 * Ranks one heat and returns its rows (copies; the input is not touched) in display order, each
 * with `place` (null unless a finisher) and `flags`.
 *
 * Order: finishers by place, equal places by lane; then DNF, DQ, DNS, then rows with no result
 * yet, each group by lane.
 *
 * Places: with no judged place among the finishers, place = 1 + the number of strictly faster
 * finishers. When any finisher has a judgedPlace, judged places take precedence:
 * - a finisher with a judgedPlace gets exactly that place (ties the judges declared stay ties;
 *   judged places are not renumbered), listed by judged place, then lane;
 * - finishers without one (a mix: e.g. a time keyed in by hand next to a LIF import) come after
 *   every judged finisher, ranked among themselves by time with shared places, numbered on from
 *   max(number of judged finishers, highest judged place) + 1.
 * judgedPlace on a row that is not a finisher is ignored.
 *
 * Flags are exactly the ones decided here: 'w' on every finisher when opts.windMeasured and the
 * wind is more than +2.0 after rounding; 'FS' on any row whose reaction is under 0.100 s (a
 * warning: the status is left alone). Other flags (Q, PB, ...) are for the caller to add.
 */
export function rankHeat<T extends RankInput>(rows: T[], opts: RankHeatOptions): Array<Ranked<T>> {
  const assisted = opts.windMeasured && opts.windMps != null && isWindAssisted(opts.windMps);
  const finishers = rows.filter(isFinisher);
  const judged = finishers.filter((r) => r.judgedPlace != null);
  const unjudged = finishers.filter((r) => r.judgedPlace == null).toSorted(compareForRanking);

  const placed: Array<{ row: T; place: number }> = [];
  if (judged.length > 0) {
    const byJudges = judged.toSorted((a, b) => a.judgedPlace! - b.judgedPlace! || a.lane - b.lane || a.entryId - b.entryId);
    for (const row of byJudges) placed.push({ row, place: row.judgedPlace! });
    const next = Math.max(judged.length, ...judged.map((r) => r.judgedPlace!)) + 1;
    placesByTime(unjudged, next).forEach((place, i) => placed.push({ row: unjudged[i]!, place }));
  } else {
    placesByTime(unjudged).forEach((place, i) => placed.push({ row: unjudged[i]!, place }));
  }

  const others = rows.filter((r) => !isFinisher(r)).toSorted(compareForRanking);
  const flagsOf = (row: T, finisher: boolean): ResultFlag[] => {
    const flags: ResultFlag[] = [];
    if (finisher && assisted) flags.push('w');
    if (isPossibleFalseStart(row.reactionMs)) flags.push('FS');
    return flags;
  };
  return [
    ...placed.map(({ row, place }) => ({ ...row, place, flags: flagsOf(row, true) })),
    ...others.map((row) => ({ ...row, place: null, flags: flagsOf(row, false) })),
  ];
}

/**
 * A round ranked across its heats (e.g. for the q places or a "summary of heats" list): every
 * finisher of every heat by thousandths, equal thousandths sharing the place (1, 2, 2, 4), then
 * DNF, DQ, DNS, then rows without a result. Judged places are decisions within one heat and are
 * not used here. Rows are returned as copies with their heatId and `place` set to the place in
 * the round (overwriting any heat place the row carried). Ties and groups are listed by heatId,
 * then lane.
 */
export function rankAcrossHeats<T extends RankInput>(heats: Array<{ heatId: number; rows: T[] }>): Array<RankedAcrossHeats<T>> {
  const all = heats.flatMap((h) => h.rows.map((row) => ({ ...row, heatId: h.heatId })));
  const sorted = all.toSorted((a, b) => {
    const ga = group(a);
    const gb = group(b);
    if (ga !== gb) return ga - gb;
    if (ga === 0 && a.timeMs !== b.timeMs) return a.timeMs! - b.timeMs!;
    return a.heatId - b.heatId || a.lane - b.lane || a.entryId - b.entryId;
  });
  const finishers = sorted.filter(isFinisher);
  const places = placesByTime(finishers);
  return sorted.map((row, i) => ({ ...row, place: i < finishers.length ? places[i]! : null }));
}
