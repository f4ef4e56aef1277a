// Seed marks: thousandths of a second for track and road (typed like any time), millimetres for field
// events (typed in metres, e.g. 7.95).
import { formatRaw, parseTimeInput } from '../../../shared/time.js';

export type EventKind = 'track' | 'field' | 'road';

/** undefined: empty; null: unreadable. */
export function parseSeedMark(text: string, kind: EventKind): number | null | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (kind === 'field') {
    if (!/^[0-9]{1,3}(\.[0-9]{1,3})?$/.test(t)) return null;
    const mm = Math.round(Number(t) * 1000);
    return mm > 0 ? mm : null;
  }
  return parseTimeInput(t);
}

export function seedMarkText(mark: number | null, kind: EventKind): string {
  if (mark === null) return '';
  return kind === 'field' ? (mark / 1000).toFixed(2) : formatRaw(mark);
}

export const seedHint = (kind: EventKind) => (kind === 'field' ? 'metres, e.g. 7.95' : 'a time, e.g. 10.52 or 1:45.32');
