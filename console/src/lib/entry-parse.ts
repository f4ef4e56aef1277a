// What a starter types, turned into result fields. Times go through the shared parser (10.52, 1052,
// 1:45.32, 1.45.32); status words and one-key shortcuts give DNS, DNF and DQ. Pure functions.
import { formatRaw, parseTimeInput } from '../../../shared/time.js';
import type { ResultStatus } from '../../../shared/schemas/results.js';

export type Mark = { status: 'OK'; timeMs: number } | { status: Exclude<ResultStatus, 'OK'>; timeMs: null };

/** One key on an empty time field sets a status (letters never occur in a time). */
export const STATUS_KEYS: Record<string, Exclude<ResultStatus, 'OK'>> = { s: 'DNS', f: 'DNF', q: 'DQ' };

/** A time or a status word; null when it is neither. Empty text is null too (check emptiness first). */
export function parseMark(text: string): Mark | null {
  const t = text.trim().toUpperCase();
  if (t === 'DNS' || t === 'DNF' || t === 'DQ') return { status: t, timeMs: null };
  const ms = parseTimeInput(t);
  return ms === null ? null : { status: 'OK', timeMs: ms };
}

/** The text a stored result shows in a time field: the raw reading (thousandths) or the status. */
export function markText(r: { status: ResultStatus | null; timeMs: number | null }): string {
  if (r.status === null) return '';
  if (r.status === 'OK') return r.timeMs === null ? '' : formatRaw(r.timeMs);
  return r.status;
}

/**
 * A reaction time: seconds with a decimal point (`0.145`, `.145`) or whole thousandths (`145`).
 * undefined for empty text, null when unreadable.
 */
export function parseReaction(text: string): number | null | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^[0-9]{1,5}$/.test(t)) return Number(t) <= 10_000 ? Number(t) : null;
  if (/^[0-9]?\.[0-9]{1,3}$/.test(t)) return Math.round(Number(t) * 1000);
  return null;
}

export function reactionText(ms: number | null): string {
  return ms === null ? '' : (ms / 1000).toFixed(3);
}

/** Wind in m/s, e.g. `+1.2`, `-0.4`, `1.2`. undefined for empty text, null when unreadable. */
export function parseWind(text: string): number | null | undefined {
  const t = text.trim().replace(',', '.');
  if (t === '') return undefined;
  if (!/^[+-]?[0-9]{1,2}(\.[0-9]{1,2})?$/.test(t)) return null;
  const v = Number(t);
  return Math.abs(v) <= 99.9 ? v : null;
}

/**
 * Which row a starter means by "lane or bib": `#123` or `b123` is always a bib; plain text is a lane
 * when the heat has that lane, otherwise a bib (bibs are compared without case).
 */
export function findRow<T extends { lane: number; bib: string }>(text: string, rows: readonly T[]): T | null {
  const t = text.trim();
  if (t === '') return null;
  const forced = /^[#bB](.+)$/.exec(t);
  const bib = (forced ? forced[1]! : t).toUpperCase();
  if (!forced && /^[0-9]{1,3}$/.test(t)) {
    const byLane = rows.find((r) => r.lane === Number(t));
    if (byLane) return byLane;
  }
  return rows.find((r) => r.bib.toUpperCase() === bib) ?? null;
}
