// The outbox on disk: localStorage, written synchronously before anything is sent, so a reload, a crash
// or a closed tab loses nothing. One JSON array under one key; items that no longer parse are kept
// aside under a second key rather than thrown away.
import { HeatStatusSubmit, ResultSubmit } from '../../../shared/schemas/results.js';

export interface OutboxError {
  code: string;
  message: string;
  field?: string;
}

interface ItemBase {
  /** The idempotency key: the hub applies a key once, so resending is always safe. */
  key: string;
  heatId: number;
  /** What the operator sees in the queue, e.g. "Men 100m heat 1: lane 3 10.52". */
  label: string;
  /** Entries the submission touches (row states on the starter screen). */
  entryIds: number[];
  /** Who entered it: it is sent under that user's session only. */
  userId: number;
  userEmail: string;
  createdAt: string;
  /** Creation order, for "resent in order" and for which state of a row is the newest. */
  seq: number;
  state: 'queued' | 'refused';
  /** Why the hub refused it (state 'refused'). */
  error: OutboxError | null;
  /** The last passing problem (offline, hub busy) while it waits. */
  lastError: string | null;
}

export type OutboxItem =
  | (ItemBase & { kind: 'results'; payload: ResultSubmit })
  | (ItemBase & { kind: 'status'; payload: HeatStatusSubmit });

export const STORAGE_KEY = 'athsys.console.outbox.v1';
const QUARANTINE_KEY = 'athsys.console.outbox.unreadable';

function isItem(v: unknown): v is OutboxItem {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.key !== 'string' || typeof o.userId !== 'number' || typeof o.seq !== 'number') return false;
  if (o.state !== 'queued' && o.state !== 'refused') return false;
  if (o.kind === 'results') return ResultSubmit.safeParse(o.payload).success;
  if (o.kind === 'status') return HeatStatusSubmit.safeParse(o.payload).success;
  return false;
}

export function loadOutbox(storage: Storage = localStorage): OutboxItem[] {
  const raw = storage.getItem(STORAGE_KEY);
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    storage.setItem(QUARANTINE_KEY, raw);
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const good = parsed.filter(isItem);
  if (good.length !== parsed.length) storage.setItem(QUARANTINE_KEY, JSON.stringify(parsed.filter((p) => !isItem(p))));
  return good.toSorted((a, b) => a.seq - b.seq);
}

/** Throws when the browser refuses to store (quota, private mode): the caller must know. */
export function saveOutbox(items: readonly OutboxItem[], storage: Storage = localStorage): void {
  if (items.length === 0) storage.removeItem(STORAGE_KEY);
  else storage.setItem(STORAGE_KEY, JSON.stringify(items));
}
