// Writes results files the way FinishLynx does, from the start lists the hub exported: the other end
// of the timing-room link, for round-trip and bridge tests.
import { parseEvt } from '../../server/lynx/evt.js';
import { encodeLynx, type LynxEncoding } from '../../server/lynx/encoding.js';
import { lynxRecord } from '../../server/lynx/csv-line.js';

export interface LifLine {
  /** Competitor ID (the bib). */
  id: string;
  /** Judges' place, or a status for the place column (`DNF`, `DQ`, `DQ TR16.8`...). Default: none. */
  place?: number | string;
  /** Thousandths (formatted with opts.decimals, rounded up as FinishLynx does) or text written as is. */
  time?: number | string;
  reaction?: string;
  lane?: number;
  lastName?: string;
  firstName?: string;
  affiliation?: string;
  /** Extra columns after the reaction: splits, as FinishLynx appends them. */
  splits?: string[];
}

export interface LifOptions {
  /** Header wind field: `+1.2`, `-0.4`, `NWI`, or empty. */
  wind?: string;
  /** Decimals of written times: 1 (tenths) to 3 (thousandths). Default 3. */
  decimals?: 1 | 2 | 3;
  encoding?: LynxEncoding;
  eol?: string;
  name?: string;
}

/** `10.234` / `1:45.320` / `2:09:44.3`, rounded up to the decimals as FinishLynx rounds. */
export function lynxTime(ms: number, decimals: 1 | 2 | 3 = 3): string {
  const unit = 10 ** (3 - decimals);
  const r = Math.ceil(ms / unit) * unit;
  const h = Math.floor(r / 3_600_000);
  const m = Math.floor(r / 60_000) % 60;
  const s = Math.floor(r / 1000) % 60;
  const frac = String(r % 1000).padStart(3, '0').slice(0, decimals);
  const sec = `${s}.${frac}`;
  if (h) return `${h}:${String(m).padStart(2, '0')}:${sec.padStart(decimals + 3, '0')}`;
  if (m) return `${m}:${sec.padStart(decimals + 3, '0')}`;
  return sec;
}

export function writeLif(race: { eventNumber: number; round: number; heat: number; name?: string }, lines: LifLine[], opts: LifOptions = {}): Uint8Array {
  const eol = opts.eol ?? '\r\n';
  const header = lynxRecord([race.eventNumber, race.round, race.heat, opts.name ?? race.name ?? '', opts.wind ?? 'NWI', 'm/s', 'AUTO', '14:03:07.52', '00:00:30', '100m', '14:02:55.1040']);
  const times = lines.map((l) => (typeof l.time === 'number' ? l.time : null));
  const winner = Math.min(...times.filter((t): t is number => t !== null));
  let prev: number | null = null;
  const body = lines.map((l) => {
    const time = typeof l.time === 'number' ? lynxTime(l.time, opts.decimals) : (l.time ?? '');
    let delta = '';
    if (typeof l.time === 'number') {
      delta = lynxTime(prev === null ? winner : l.time - prev, opts.decimals);
      prev = l.time;
    }
    return lynxRecord([l.place ?? '', l.id, l.lane ?? '', l.lastName ?? '', l.firstName ?? '', l.affiliation ?? '', time, '', delta, l.reaction ?? '', ...(l.splits ?? [])]);
  });
  return encodeLynx([header, ...body].map((x) => x + eol).join(''), opts.encoding ?? 'utf-8');
}

/**
 * A results file for one race of an exported lynx.evt, as FinishLynx writes it after the photo is read:
 * competitors from the start list (names and lanes as the evt gave them), placed by `finish`
 * (ID -> thousandths or a status), places from the times, ties sharing a place.
 */
export function lifFromEvt(
  evtText: string,
  race: { eventNumber: number; round: number; heat: number },
  finish: Record<string, number | string>,
  opts: LifOptions & { reactions?: Record<string, string> } = {},
): Uint8Array {
  const r = parseEvt(evtText).find((x) => x.eventNumber === race.eventNumber && x.round === race.round && x.heat === race.heat);
  if (!r) throw new Error(`no ${JSON.stringify(race)} in the evt`);
  const timed = r.lanes.filter((c) => typeof finish[c.id] === 'number').sort((a, b) => (finish[a.id] as number) - (finish[b.id] as number));
  const placeOf = new Map<string, number>();
  timed.forEach((c, i) => {
    const before = timed[i - 1];
    placeOf.set(c.id, before && finish[before.id] === finish[c.id] ? placeOf.get(before.id)! : i + 1);
  });
  const statuses = r.lanes.filter((c) => typeof finish[c.id] === 'string');
  const unfinished = r.lanes.filter((c) => finish[c.id] === undefined);
  const line = (c: (typeof r.lanes)[number], place: number | string | undefined, time: number | undefined): LifLine => ({
    id: c.id, lane: c.lane, lastName: c.lastName, firstName: c.firstName, affiliation: c.affiliation, place, time,
    ...(opts.reactions?.[c.id] ? { reaction: opts.reactions[c.id] } : {}),
  });
  return writeLif({ ...race, name: r.eventName }, [
    ...timed.map((c) => line(c, placeOf.get(c.id), finish[c.id] as number)),
    ...statuses.map((c) => line(c, finish[c.id] as string, undefined)),
    ...unfinished.map((c) => line(c, undefined, undefined)),
  ], opts);
}
