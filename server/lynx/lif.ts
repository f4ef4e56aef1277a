// Reading a FinishLynx results file (.lif): one file per race.
//   header: event,round,heat,name,wind,wind-unit,template,capture-time,capture-duration,distance,start-time
//   rows:   place,ID,lane,last,first,affiliation,time,license,delta,reaction,splits...
// A number in the place column is the photo-finish judges' place; text there is a status (DNS, DNF,
// DQ...). Pure: bytes or text in, a typed file out; LifError names the line of a problem.
import { decodeLynx, type LynxEncoding } from './encoding.js';
import { LynxSyntaxError, lynxLines, splitLynxLine } from './csv-line.js';
import type { ResultStatus } from '../../shared/schemas/results.js';

export class LifError extends Error {
  constructor(
    message: string,
    /** 1-based line of the file, when one is to blame. */
    public readonly line?: number,
  ) {
    super(line ? `line ${line}: ${message}` : message);
  }
}

export interface LifHeader {
  eventNumber: number;
  /** Missing in the file means 1, as FinishLynx reads its own files. */
  round: number;
  heat: number;
  name: string;
  /** The raw gauge reading in m/s, unrounded; null without one (`NWI`, empty). */
  windMps: number | null;
  /** `NWI`: the file says outright there is no wind information. */
  noWindInfo: boolean;
  windUnit: string;
  distance: string;
  startTime: string;
}

export interface LifRow {
  line: number;
  /** Judges' place; null for a status or a row without a place. */
  place: number | null;
  status: ResultStatus;
  /** The place column as written when it holds a status (`DNS`, `DQ`, `DQ TR16.8`...). */
  statusText: string | null;
  /** The rule of a DQ when the place column gives one (`DQ TR16.8`), else null. */
  dqRule: string | null;
  /** Competitor ID: the bib in the files the hub writes. */
  id: string;
  lane: number | null;
  lastName: string;
  firstName: string;
  affiliation: string;
  /** Thousandths; null for a status row (its time, if any, is dropped). */
  timeMs: number | null;
  reactionMs: number | null;
}

export interface LifFile {
  header: LifHeader;
  /** Rows with a result: a place, a time or a status. */
  rows: LifRow[];
  /** Rows without a place, time or status yet (FinishLynx lists the whole start list): nothing to import. */
  pending: { line: number; id: string }[];
  encoding: LynxEncoding;
}

// Status codes seen in the place column of real files, to the hub's four statuses.
const STATUS_CODES: Record<string, ResultStatus> = {
  DNS: 'DNS', SCR: 'DNS', NS: 'DNS',
  DNF: 'DNF', R: 'DNF', RET: 'DNF', DNC: 'DNF',
  DQ: 'DQ', DSQ: 'DQ', FS: 'DQ',
};

/**
 * A time from a Lynx file to integer thousandths: `12`, `10.2`, `10.23`, `10.234`, `10.2341`, `1:45.32`,
 * `2:09:44.3` (a decimal comma is read as a point). Any precision from whole seconds to 1/10000 s and
 * finer: digits beyond the thousandths round UP to the next thousandth unless they are all zero
 * (10.2341 -> 10.235, 10.2340 -> 10.234), as times in athletics always round up. null when the text is
 * not a time.
 */
export function parseLynxTime(text: string): number | null {
  const m = /^(?:(\d+):)?(?:(\d+):)?(\d+)(?:[.,](\d+))?$/.exec(text.trim());
  if (!m) return null;
  const [, a, b, s, frac = ''] = m;
  // `m:ss` puts the minutes in the first group, `h:mm:ss` hours then minutes.
  const hours = b !== undefined ? Number(a) : 0;
  const minutes = b !== undefined ? Number(b) : a !== undefined ? Number(a) : 0;
  const seconds = Number(s);
  if ((a !== undefined && seconds >= 60) || (b !== undefined && minutes >= 60)) return null;
  const thousandths = Number(frac.slice(0, 3).padEnd(3, '0')) + (/[1-9]/.test(frac.slice(3)) ? 1 : 0);
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + thousandths;
}

/** A wind field: a signed reading (`+1.2`, `-0.4`, `1.2`, `+0,3`), `NWI`, or nothing. */
function parseWind(text: string, line: number): { windMps: number | null; noWindInfo: boolean } {
  const t = text.trim();
  if (t === '') return { windMps: null, noWindInfo: false };
  if (/^NWI$/i.test(t)) return { windMps: null, noWindInfo: true };
  if (!/^[+-]?\d+(?:[.,]\d+)?$/.test(t)) throw new LifError(`wind ${JSON.stringify(t)} is neither a reading such as +1.2 nor NWI`, line);
  return { windMps: Number(t.replace(',', '.')), noWindInfo: false };
}

/** A field that holds a count (event, round, heat, lane); empty gives the fallback. */
function parseCount(text: string, what: string, line: number, fallback: number | null): number | null {
  const t = text.trim();
  if (t === '') return fallback;
  if (!/^\d{1,6}$/.test(t) || Number(t) === 0) throw new LifError(`${what} ${JSON.stringify(t)} is not a positive whole number`, line);
  return Number(t);
}

function parseStatus(text: string): { status: ResultStatus; dqRule: string | null } | undefined {
  const m = /^([A-Za-z]+)\s*(.*)$/.exec(text.trim());
  const status = m ? STATUS_CODES[m[1]!.toUpperCase()] : undefined;
  if (!m || !status) return undefined;
  const rule = m[2]!.replace(/^[\s:(-]+|[\s)]+$/g, '');
  return { status, dqRule: status === 'DQ' && rule ? rule : null };
}

/** Parses a .lif file (bytes: the encoding is detected; text: taken as is). */
export function parseLif(input: Uint8Array | string): LifFile {
  const { text, encoding } = typeof input === 'string' ? { text: input.replace(/^\uFEFF/, ''), encoding: 'utf-8' as const } : decodeLynx(input);
  const lines = lynxLines(text).filter((l) => l.text.trim() !== '');
  const first = lines[0];
  if (!first) throw new LifError('the file is empty');
  const fieldsOf = (l: { line: number; text: string }) => {
    try {
      return splitLynxLine(l.text);
    } catch (err) {
      throw new LifError(err instanceof LynxSyntaxError ? err.message : String(err), l.line);
    }
  };

  const h = fieldsOf(first);
  const get = (f: string[], i: number) => f[i] ?? '';
  const eventNumber = parseCount(get(h, 0), 'event number', first.line, null);
  if (eventNumber === null) throw new LifError('the header has no event number (expected event,round,heat,name,wind,...)', first.line);
  const header: LifHeader = {
    eventNumber,
    round: parseCount(get(h, 1), 'round', first.line, 1)!,
    heat: parseCount(get(h, 2), 'heat', first.line, 1)!,
    name: get(h, 3),
    ...parseWind(get(h, 4), first.line),
    windUnit: get(h, 5),
    distance: get(h, 9),
    startTime: get(h, 10),
  };

  const rows: LifRow[] = [];
  const pending: LifFile['pending'] = [];
  for (const l of lines.slice(1)) {
    const f = fieldsOf(l);
    if (f.every((x) => x === '')) continue; // a line of bare commas
    const placeText = get(f, 0);
    const id = get(f, 1);
    const timeText = get(f, 6);
    let place: number | null = null;
    let statusInfo: { status: ResultStatus; dqRule: string | null } | undefined;
    let statusText: string | null = null;
    if (/^\d+=?$/.test(placeText)) {
      place = Number(placeText.replace('=', ''));
      if (place === 0) throw new LifError('place 0 is not a place', l.line);
    } else if (placeText !== '') {
      statusInfo = parseStatus(placeText);
      if (!statusInfo) throw new LifError(`${JSON.stringify(placeText)} in the place column is neither a place nor a known status (DNS, DNF, DQ, DSQ, FS, SCR...)`, l.line);
      statusText = placeText;
    } else if (parseStatus(timeText)) {
      // Some operators leave the place empty and write the status in the time column.
      statusInfo = parseStatus(timeText);
      statusText = timeText;
    }
    let timeMs: number | null = null;
    if (!statusInfo && timeText !== '') {
      timeMs = parseLynxTime(timeText);
      if (timeMs === null || timeMs === 0) throw new LifError(`time ${JSON.stringify(timeText)} is not a time (e.g. 10.23, 1:45.32)`, l.line);
    }
    if (!statusInfo && timeMs === null) {
      if (place !== null) throw new LifError(`place ${place} has no time`, l.line);
      pending.push({ line: l.line, id });
      continue;
    }
    if (id === '') throw new LifError('a competitor with a result has no ID', l.line);
    const reaction = parseLynxTime(get(f, 9));
    rows.push({
      line: l.line,
      place,
      status: statusInfo?.status ?? 'OK',
      statusText,
      dqRule: statusInfo?.dqRule ?? null,
      id,
      lane: /^\d{1,3}$/.test(get(f, 2)) ? Number(get(f, 2)) : null, // informational: never refused
      lastName: get(f, 3),
      firstName: get(f, 4),
      affiliation: get(f, 5),
      timeMs,
      // A reaction the gauge cannot have read (10 s and more) is dropped rather than refused.
      reactionMs: reaction !== null && reaction < 10_000 ? reaction : null,
    });
  }
  return { header, rows, pending, encoding };
}
