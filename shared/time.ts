// Times and wind: parsing what operators type, rounding and display by the event's rules.
// Times are integer thousandths of a second (what fully automatic timing reads) everywhere;
// rounding happens only for display, and always upwards (a runner is never given a faster time
// than the camera read). Pure and browser-safe: no Node imports.
import { MAX_TIME_MS } from './schemas/results.js';

export type TimePrecision = 'hundredths' | 'tenths' | 'seconds';

/** The fields of an event that decide how its times are shown (a subset of the Event schema). */
export interface TimingEvent {
  kind: 'track' | 'field' | 'road';
  distanceM?: number | null;
  handTimed: boolean;
}

export interface TimingPrecisionOptions {
  /** Track races longer than this (metres) are shown in tenths. DOMAIN.md marks the rule (verify). */
  tenthsOverM?: number;
}

/** Default of TimingPrecisionOptions.tenthsOverM: "track races over 10,000 m: round up to 1/10" (verify). */
export const LONG_TRACK_TENTHS_OVER_M = 10_000;

const UNIT_MS: Record<TimePrecision, number> = { hundredths: 10, tenths: 100, seconds: 1000 };

// ---------------------------------------------------------------------------------------------
// Parsing

const KEYPAD = /^[0-9]{1,8}$/;
// [h:]m:ss or s, then an optional fraction of 1 to 3 digits. The leading group has 1-2 digits,
// every later group exactly 2 (so `1:5.3` is refused as a likely typo rather than guessed at).
const SEPARATED = /^([0-9]{1,2})(?::([0-9]{2}))?(?::([0-9]{2}))?(?:\.([0-9]{1,3}))?$/;

/**
 * Parses a time typed by an operator into integer thousandths, or null if it is not a time.
 *
 * - `10.52`, `10.521`, `9.5`: seconds with 1 to 3 decimals.
 * - `1:45.32`, `13:05.71`, `2:09:44.3`, `2:01:09`: [h:]m:ss[.fff].
 * - `1.45.32`, `2.09.44.3`: dots as separators; the last dot is the decimal point, the others
 *   stand for colons.
 * - `1052`, `14532`, `130571`: digits only, as typed fast on a keypad: the last two digits are
 *   hundredths, the two before them seconds, the two before those minutes, then hours
 *   (`1052` = 10.52, `14532` = 1:45.32, `130571` = 13:05.71).
 * - Surrounding spaces are ignored.
 *
 * Refused (null): empty text, signs, letters, inner spaces, more than 3 decimals, seconds >= 60
 * when minutes are given (and minutes >= 60 when hours are given), zero, and 24 h or more
 * (MAX_TIME_MS, the bound of the result schema).
 */
export function parseTimeInput(text: string): number | null {
  const t = text.trim();
  let ms: number | null;
  if (KEYPAD.test(t)) ms = parseKeypad(t);
  else ms = parseSeparated(t);
  if (ms === null || ms <= 0 || ms >= MAX_TIME_MS) return null;
  return ms;
}

function parseKeypad(digits: string): number | null {
  const n = digits.length;
  const p = digits.padStart(8, '0');
  const hours = Number(p.slice(0, 2));
  const minutes = Number(p.slice(2, 4));
  const seconds = Number(p.slice(4, 6));
  const hundredths = Number(p.slice(6, 8));
  if (n > 6 && minutes >= 60) return null;
  if (n > 4 && seconds >= 60) return null;
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + hundredths * 10;
}

function parseSeparated(text: string): number | null {
  // Every dot but the last stands for a colon: `1.45.32` -> `1:45.32`.
  const last = text.lastIndexOf('.');
  const normalised = last < 0 ? text : text.slice(0, last).replaceAll('.', ':') + text.slice(last);
  const m = SEPARATED.exec(normalised);
  if (!m) return null;
  const groups = [m[1], m[2], m[3]].filter((g): g is string => g !== undefined).map(Number);
  const fraction = m[4] === undefined ? 0 : Number(m[4].padEnd(3, '0'));
  let hours = 0;
  let minutes = 0;
  let seconds: number;
  if (groups.length === 3) {
    [hours, minutes, seconds] = groups as [number, number, number];
    if (minutes >= 60 || seconds >= 60) return null;
  } else if (groups.length === 2) {
    [minutes, seconds] = groups as [number, number];
    if (seconds >= 60) return null;
  } else {
    seconds = groups[0]!;
  }
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction;
}

// ---------------------------------------------------------------------------------------------
// Rounding and display

/** Rounds ms up to a multiple of unitMs (10 for hundredths); an exact multiple stays. */
export function roundUpTo(ms: number, unitMs: number): number {
  if (!Number.isInteger(unitMs) || unitMs <= 0) throw new RangeError(`unitMs must be a positive integer, got ${unitMs}`);
  if (!Number.isFinite(ms)) throw new RangeError(`ms must be finite, got ${ms}`);
  return Math.ceil(ms / unitMs) * unitMs + 0; // + 0 turns -0 into 0
}

/**
 * The precision an event's official times are shown in:
 * road races whole seconds; hand timing tenths; track races over opts.tenthsOverM (default
 * 10,000 m, a (verify) rule of DOMAIN.md) tenths; other fully automatic track times hundredths.
 * Field events have no times: they get 'hundredths' so that a stray time still formats.
 */
export function timingPrecision(event: TimingEvent, opts: TimingPrecisionOptions = {}): TimePrecision {
  const tenthsOverM = opts.tenthsOverM ?? LONG_TRACK_TENTHS_OVER_M;
  if (event.kind === 'road') return 'seconds';
  if (event.handTimed) return 'tenths';
  if (event.kind === 'track' && event.distanceM != null && event.distanceM > tenthsOverM) return 'tenths';
  return 'hundredths';
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function clock(ms: number, fraction: string, forceMinutes: boolean): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  const frac = fraction === '' ? '' : `.${fraction}`;
  if (hours > 0) return `${hours}:${pad2(minutes)}:${pad2(seconds)}${frac}`;
  if (minutes > 0 || forceMinutes) return `${minutes}:${pad2(seconds)}${frac}`;
  return `${seconds}${frac}`;
}

function checkMs(ms: number): void {
  if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`a time is a non-negative integer of thousandths, got ${ms}`);
}

/**
 * Display string of a time, rounded UP to the precision: `9.58`, `45.32`, `1:45.32`, `13:05.71`,
 * `2:01:09`, `12.4h`. Minutes and hours appear only when needed (59.999 -> `1:00.00`), with one
 * exception: a whole-seconds time under a minute is shown `0:45`, because a bare `45` would read
 * back as keypad input (0.45). opts.hand only adds the `h` suffix; the precision alone decides
 * the rounding (officialTime picks both from the event). Throws RangeError on a negative or
 * fractional ms.
 */
export function formatTime(ms: number, precision: TimePrecision, opts: { hand?: boolean } = {}): string {
  checkMs(ms);
  const unit = UNIT_MS[precision];
  const r = roundUpTo(ms, unit);
  const digits = precision === 'hundredths' ? 2 : precision === 'tenths' ? 1 : 0;
  const fraction = digits === 0 ? '' : String((r % 1000) / unit).padStart(digits, '0');
  return clock(r, fraction, precision === 'seconds') + (opts.hand ? 'h' : '');
}

/** The raw reading with thousandths, unrounded, for operators: `10.521`, `1:45.320`. */
export function formatRaw(ms: number): string {
  checkMs(ms);
  return clock(ms, String(ms % 1000).padStart(3, '0'), false);
}

/**
 * The official display of a time for an event: formatTime with timingPrecision(event) and the
 * `h` suffix for hand-timed track races (a road race is shown in whole seconds either way, so it
 * carries no suffix). null in, null out, for rows without a time.
 */
export function officialTime(ms: number, event: TimingEvent, opts?: TimingPrecisionOptions): string;
export function officialTime(ms: number | null, event: TimingEvent, opts?: TimingPrecisionOptions): string | null;
export function officialTime(ms: number | null, event: TimingEvent, opts: TimingPrecisionOptions = {}): string | null {
  if (ms === null) return null;
  const precision = timingPrecision(event, opts);
  return formatTime(ms, precision, { hand: event.handTimed && precision !== 'seconds' });
}

// ---------------------------------------------------------------------------------------------
// Wind

export type WindRounding = 'up' | 'nearest';

/** Above this (after rounding) a mark is wind-assisted: +2.0 is legal, +2.1 is `w`. */
export const WIND_LIMIT_MPS = 2.0;

/**
 * Rounds a raw gauge reading to the tenth. Default 'up': towards +infinity, the next tenth in the
 * positive direction unless exact (+2.03 -> +2.1, -2.03 -> -2.0, -0.04 -> 0.0, never -0).
 * DOMAIN.md marks this (verify); 'nearest' (half away from zero) is the alternative on offer.
 * Float noise below 1e-9 m/s is ignored, so 2.1 stays 2.1 although 2.1 * 10 > 21 in binary.
 */
export function roundWind(raw: number, opts: { mode?: WindRounding } = {}): number {
  if (!Number.isFinite(raw)) throw new RangeError(`a wind reading must be finite, got ${raw}`);
  const scaled = raw * 10;
  const nearest = Math.round(scaled);
  let tenths: number;
  if (Math.abs(scaled - nearest) < 1e-8) tenths = nearest;
  else if ((opts.mode ?? 'up') === 'up') tenths = Math.ceil(scaled);
  else tenths = Math.sign(scaled) * Math.round(Math.abs(scaled));
  return tenths / 10 + 0; // + 0 turns -0 into 0
}

/** `+1.2`, `-0.4`, `0.0`: the reading rounded by roundWind, one decimal, signed unless zero. */
export function formatWind(mps: number): string {
  const w = roundWind(mps);
  const body = Math.abs(w).toFixed(1);
  if (w > 0) return `+${body}`;
  if (w < 0) return `-${body}`;
  return body;
}

/** More than +2.0 m/s after rounding (so a raw +2.03 reads +2.1 and is assisted; +2.0 is legal). */
export function isWindAssisted(mps: number): boolean {
  return roundWind(mps) > WIND_LIMIT_MPS;
}

const WIND_DISCIPLINES = new Set(['100m', '200m', '100mh', '110mh', 'lj', 'tj']);

/** Whether wind is measured for a discipline code: 100m, 200m, 100mH, 110mH, LJ, TJ (case and spaces ignored). */
export function windEvent(discipline: string): boolean {
  return WIND_DISCIPLINES.has(discipline.replace(/\s+/g, '').toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Reaction times

/** A reaction under 0.100 s indicates a false start. */
export const FALSE_START_REACTION_MS = 100;

/** Reaction below FALSE_START_REACTION_MS: a warning for the starter, not an automatic DQ. */
export function isPossibleFalseStart(reactionMs: number | null | undefined): boolean {
  return reactionMs != null && reactionMs < FALSE_START_REACTION_MS;
}
