// Athletes a spectator follows (kept in this browser's localStorage) and the notices shown when one
// of them gets a result.
import type { HeatSnapshot, SnapshotRow } from '../../../shared/schemas/results.js';
import type { HeatChange } from './live.svelte.js';
import { resultText, roundLabel } from './format.js';

export interface FollowedAthlete {
  athleteId: number;
  name: string;
  country: string;
}

export interface Notice {
  id: number;
  athleteId: number;
  heatId: number;
  text: string;
}

const STORAGE_KEY = 'athsys.followed.v1';
const NOTICE_MS = 10_000;
const MAX_NOTICES = 3;

function load(): FollowedAthlete[] {
  try {
    const raw = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as unknown;
    if (!Array.isArray(raw)) return [];
    return raw.filter(
      (a): a is FollowedAthlete =>
        typeof a === 'object' && a !== null && Number.isInteger((a as FollowedAthlete).athleteId) &&
        typeof (a as FollowedAthlete).name === 'string' && typeof (a as FollowedAthlete).country === 'string',
    );
  } catch {
    return []; // storage off or corrupt: follow nobody rather than fail
  }
}

/** What changed in a row's result, as a key: equal keys, nothing new. */
const resultKey = (r: SnapshotRow) => `${r.status}|${r.timeMs}|${r.dqRule}|${r.revision}`;

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

export class FollowStore {
  #items = $state.raw<FollowedAthlete[]>(load());
  #notices = $state.raw<Notice[]>([]);
  #nextId = 1;
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();

  get items(): readonly FollowedAthlete[] {
    return this.#items;
  }
  get notices(): readonly Notice[] {
    return this.#notices;
  }

  isFollowed(athleteId: number): boolean {
    return this.#items.some((a) => a.athleteId === athleteId);
  }

  toggle(athlete: FollowedAthlete): void {
    this.#set(
      this.isFollowed(athlete.athleteId)
        ? this.#items.filter((a) => a.athleteId !== athlete.athleteId)
        : [...this.#items, { athleteId: athlete.athleteId, name: athlete.name, country: athlete.country }],
    );
  }

  /** Another tab changed the list. */
  reload(): void {
    this.#items = load();
  }

  /**
   * Looks at a newer heat snapshot for results of followed athletes. A broadcast is news when the
   * row's result differs from the one held; for a heat this page never held, when the heat was not
   * yet finished (so a late-joining page does not announce old results).
   */
  observe(next: HeatSnapshot, change: HeatChange): void {
    if (change.source !== 'update' || !this.#items.length) return;
    for (const row of next.rows) {
      if (row.status === null || !this.isFollowed(row.athleteId)) continue;
      const before = change.prev?.rows.find((r) => r.entryId === row.entryId);
      const isNew = change.prev
        ? !before || before.status === null || resultKey(before) !== resultKey(row)
        : change.prevStatus !== 'finished' && change.prevStatus !== 'official';
      if (isNew) this.#notify(next, row);
    }
  }

  dismiss(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.#notices = this.#notices.filter((n) => n.id !== id);
  }

  reset(): void {
    for (const id of [...this.#timers.keys()]) this.dismiss(id);
    this.#notices = [];
    this.#set([]);
  }

  #notify(heat: HeatSnapshot, row: SnapshotRow): void {
    const place = row.place != null ? `${ordinal(row.place)}, ` : '';
    const text = `${row.name} (${row.country}): ${place}${resultText(row)}${row.dqRule ? ` ${row.dqRule}` : ''} in ${heat.eventName}, ${roundLabel(heat.round, heat.heatNumber)}`;
    const notice: Notice = { id: this.#nextId++, athleteId: row.athleteId, heatId: heat.heatId, text };
    // One notice per athlete and heat (the newest), at most MAX_NOTICES on screen.
    const replaced = (n: Notice) => n.athleteId === row.athleteId && n.heatId === heat.heatId;
    const others = this.#notices.filter((n) => !replaced(n));
    const kept = others.slice(Math.max(0, others.length - (MAX_NOTICES - 1)));
    for (const gone of this.#notices.filter((n) => !kept.includes(n))) {
      clearTimeout(this.#timers.get(gone.id));
      this.#timers.delete(gone.id);
    }
    this.#notices = [...kept, notice];
    this.#timers.set(notice.id, setTimeout(() => this.dismiss(notice.id), NOTICE_MS));
  }

  #set(items: FollowedAthlete[]): void {
    this.#items = items;
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(items));
    } catch {
      // private mode or full: the list lives for this page only
    }
  }
}

export const FOLLOW_STORAGE_KEY = STORAGE_KEY;
