// Which heat the stadium board shows, and how it pages: pure functions of the meet's live state.
import type { ActiveHeat } from '../lib/live.svelte.js';

/**
 * The board follows the most recently active heat of the meet (the latest change among heats that
 * have left the start list). An official result is held for holdMs after it went official; then the
 * board moves on to the start list of the next heat still to run (in schedule order after the
 * official one, else the first one left). Before anything ran: the first heat's start list.
 */
export function chooseHeat(heats: readonly ActiveHeat[], hubNow: number, holdMs: number): number | null {
  let latest: ActiveHeat | undefined;
  for (const h of heats) {
    if (h.status === 'scheduled') continue;
    if (!latest || h.activeAt > latest.activeAt) latest = h;
  }
  const firstScheduled = heats.find((h) => h.status === 'scheduled');
  if (!latest) return (firstScheduled ?? heats[0])?.heatId ?? null;
  if (latest.status !== 'official' || hubNow - latest.activeAt < holdMs) return latest.heatId;
  const at = heats.indexOf(latest);
  const next = heats.slice(at + 1).find((h) => h.status === 'scheduled') ?? firstScheduled;
  return (next ?? latest).heatId;
}

/** When the held official result gives way (hub ms), or null when nothing is pending. */
export function holdEndsAt(heats: readonly ActiveHeat[], holdMs: number): number | null {
  let latest: ActiveHeat | undefined;
  for (const h of heats) if (h.status !== 'scheduled' && (!latest || h.activeAt > latest.activeAt)) latest = h;
  return latest?.status === 'official' ? latest.activeAt + holdMs : null;
}

/** Splits rows into pages of at most perPage rows (at least one page, maybe empty). */
export function paginate<T>(rows: readonly T[], perPage: number): T[][] {
  const size = Math.max(1, Math.floor(perPage));
  const pages: T[][] = [];
  for (let i = 0; i < rows.length; i += size) pages.push(rows.slice(i, i + size));
  return pages.length ? pages : [[]];
}

/** Board settings from the address: ?heat=ID pins a heat; hold, page (seconds) and rows tune it. */
export interface BoardSettings {
  pinnedHeatId: number | null;
  holdMs: number;
  pageMs: number;
  rowsPerPage: number;
}

const num = (v: string | null, min: number, max: number): number | null => {
  if (v === null || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
};

export function boardSettings(query: URLSearchParams): BoardSettings {
  const heat = num(query.get('heat'), 1, Number.MAX_SAFE_INTEGER);
  return {
    pinnedHeatId: heat !== null && Number.isInteger(heat) ? heat : null,
    holdMs: (num(query.get('hold'), 0, 3600) ?? 20) * 1000,
    pageMs: (num(query.get('page'), 1, 600) ?? 8) * 1000,
    rowsPerPage: Math.floor(num(query.get('rows'), 1, 20) ?? 8),
  };
}
