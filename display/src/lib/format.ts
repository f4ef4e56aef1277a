// What the screens print. Times, wind and their rules come from shared/time.ts (one copy of each rule);
// this file only words them.
import { formatTime, formatWind, isWindAssisted, windEvent } from '../../../shared/time.js';
import type { HeatStatus, Round } from '../../../shared/schemas/meets.js';
import type { HeatSnapshot, SnapshotRow } from '../../../shared/schemas/results.js';

export function roundLabel(round: Round, heatNumber: number): string {
  if (round === 'final') return heatNumber > 1 ? `Final ${heatNumber}` : 'Final';
  return round === 'semi' ? `Semi-final ${heatNumber}` : `Heat ${heatNumber}`;
}

export function roundName(round: Round): string {
  return round === 'final' ? 'Final' : round === 'semi' ? 'Semi-finals' : 'Heats';
}

/** The board's status word: START LIST before the gun, LIVE until the result is official. */
export function boardStatus(status: HeatStatus): string {
  return status === 'scheduled' ? 'START LIST' : status === 'official' ? 'OFFICIAL' : 'LIVE';
}

export function heatStatusLabel(status: HeatStatus): string {
  return { scheduled: 'Start list', started: 'Running', finished: 'Unofficial', official: 'Official' }[status];
}

/** The time column: the official display time, or DNF / DQ / DNS; empty on a start list. */
export function resultText(row: Pick<SnapshotRow, 'status' | 'time'>): string {
  if (row.status === 'OK') return row.time ?? '';
  return row.status ?? '';
}

/** `+1.2 m/s`, with the assisted mark; null when the event measures no wind or none was read. */
export function windText(heat: Pick<HeatSnapshot, 'discipline' | 'windMps'>): string | null {
  if (!windEvent(heat.discipline) || heat.windMps == null) return null;
  return `${formatWind(heat.windMps)} m/s${isWindAssisted(heat.windMps) ? ' (w)' : ''}`;
}

/** A running race clock in tenths, counted down to the tenth (a clock never shows time not yet run). */
export function clockText(elapsedMs: number): string {
  const ms = Math.max(0, Math.floor(elapsedMs / 100) * 100);
  return formatTime(ms, 'tenths');
}

export function reactionText(ms: number | null): string {
  return ms == null ? '' : (ms / 1000).toFixed(3);
}

export function hasResults(heat: Pick<HeatSnapshot, 'rows'>): boolean {
  return heat.rows.some((r) => r.status !== null);
}

/** A heat's live state summarised for an event line of the schedule. */
export type EventLiveStatus = 'scheduled' | 'live' | 'in-progress' | 'official';

export function eventLiveStatus(heats: readonly { status: HeatStatus }[]): EventLiveStatus | null {
  if (!heats.length) return null;
  if (heats.some((h) => h.status === 'started' || h.status === 'finished')) return 'live';
  if (heats.every((h) => h.status === 'official')) return 'official';
  if (heats.every((h) => h.status === 'scheduled')) return 'scheduled';
  return 'in-progress';
}

export const EVENT_STATUS_LABEL: Record<EventLiveStatus, string> = {
  scheduled: 'Scheduled',
  live: 'Live',
  'in-progress': 'In progress',
  official: 'Official',
};

export function timeOfDay(iso: string | null): string {
  if (!iso) return '';
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
