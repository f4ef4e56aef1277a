// Never lose an entry: every write to the hub (results, heat status) becomes an outbox item with a
// client-generated idempotency key, stored in the browser BEFORE it is sent, then sent one at a time
// in creation order. Acknowledged: it leaves the outbox. Refused by the hub: it stays, visible, until
// the operator dismisses it. Anything else (offline, timeout, hub unavailable, session expired): it
// waits and is sent again on reconnect, reload or re-login; the key makes a repeat harmless.
import type { Ack } from '../../../shared/schemas/common.js';
import type { HeatStatusSubmit, ResultSubmit } from '../../../shared/schemas/results.js';
import { newIdempotencyKey } from './ids.js';
import { loadOutbox, saveOutbox, STORAGE_KEY, type OutboxError, type OutboxItem } from './outbox-storage.js';

export type { OutboxItem } from './outbox-storage.js';

export interface OutboxTransport {
  /** Connected and allowed to send now. */
  ready(): boolean;
  /** Resolves with the hub's acknowledgement; rejects when none came (disconnect, timeout). */
  send(item: OutboxItem): Promise<Ack<{ version: number }>>;
}

/** Answers that mean "not now" rather than "no": the item stays queued. */
const TRANSIENT = new Set(['unavailable', 'internal', 'rate_limited', 'unauthorized']);
const RETRY_MS = 5_000;

export type RowState =
  | { kind: 'pending'; seq: number }
  | { kind: 'refused'; seq: number; message: string; key: string }
  | { kind: 'saved'; seq: number; version: number };

type Owner = { id: number; email: string };
type AckListener = (item: OutboxItem, version: number) => void;

export class Outbox {
  items = $state<OutboxItem[]>([]);
  /** Key of the item on the wire right now. */
  inFlight = $state<string | null>(null);
  /** Set when the browser would not store the queue: entries are then only in this page's memory. */
  storageProblem = $state<string | null>(null);
  /** `${heatId}:${entryId}` -> the version the hub acknowledged, for "saved" row states. */
  saved = $state<Record<string, { version: number; seq: number }>>({});

  private owner: Owner | null = null;
  private transport: OutboxTransport | null = null;
  private flushing = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private lastSeq = 0;
  private ackListeners: AckListener[] = [];
  private unauthorized: (() => void) | null = null;

  constructor(private readonly storage: Storage = localStorage) {
    this.items = loadOutbox(storage);
    this.lastSeq = Math.max(0, ...this.items.map((i) => i.seq));
    window.addEventListener('storage', this.syncFromStorage);
  }

  /** Items waiting to be sent (all users). */
  get waiting(): OutboxItem[] {
    return this.items.filter((i) => i.state === 'queued');
  }

  get refused(): OutboxItem[] {
    return this.items.filter((i) => i.state === 'refused');
  }

  /** What the badge shows: results and heat changes not yet saved by the hub. */
  get count(): number {
    return this.waiting.reduce((n, i) => n + (i.kind === 'results' ? i.payload.results.length : 1), 0);
  }

  attach(transport: OutboxTransport): void {
    this.transport = transport;
  }

  /** The signed-in user (null when signed out or expired): only their items are sent. */
  setOwner(owner: Owner | null): void {
    this.owner = owner;
    if (owner) void this.flush();
  }

  onAck(listener: AckListener): () => void {
    this.ackListeners = [...this.ackListeners, listener];
    return () => {
      this.ackListeners = this.ackListeners.filter((l) => l !== listener);
    };
  }

  onUnauthorized(handler: () => void): void {
    this.unauthorized = handler;
  }

  /**
   * Every change is read-modify-write on the stored queue, so that two tabs of the console never
   * overwrite each other's entries (the `storage` event keeps each tab's view current). If the
   * browser refuses to store, the page's memory is the queue until storing works again.
   */
  private change(fn: (items: OutboxItem[]) => OutboxItem[]): void {
    let base = this.items;
    if (!this.storageProblem) {
      try {
        base = loadOutbox(this.storage);
      } catch {
        // unreadable storage: keep working from memory
      }
    }
    const next = fn(base);
    this.items = next;
    try {
      saveOutbox(next, this.storage);
      this.storageProblem = null;
    } catch (err) {
      this.storageProblem = `this browser would not store the queue (${err instanceof Error ? err.message : String(err)}): do not reload until the badge is clear`;
    }
  }

  /** Another tab changed the stored queue. */
  private syncFromStorage = (e: StorageEvent): void => {
    if (e.key !== STORAGE_KEY || this.storageProblem) return;
    this.items = loadOutbox(this.storage);
    void this.flush();
  };

  private add(item: OutboxItem): OutboxItem {
    this.change((items) => [...items, item]); // stored first ...
    void this.flush(); // ... then sent
    return item;
  }

  private base(heatId: number, label: string, entryIds: number[]) {
    if (!this.owner) throw new Error('sign in first');
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now());
    return {
      key: newIdempotencyKey(), heatId, label, entryIds, userId: this.owner.id, userEmail: this.owner.email,
      createdAt: new Date().toISOString(), seq: this.lastSeq, state: 'queued' as const, error: null, lastError: null,
    };
  }

  submitResults(heatId: number, body: Omit<ResultSubmit, 'heatId' | 'idempotencyKey'>, label: string): OutboxItem {
    const b = this.base(heatId, label, body.results.flatMap((r) => (r.entryId != null ? [r.entryId] : [])));
    return this.add({ ...b, kind: 'results', payload: { ...body, heatId, idempotencyKey: b.key } });
  }

  changeStatus(heatId: number, status: HeatStatusSubmit['status'], label: string): OutboxItem {
    const b = this.base(heatId, label, []);
    return this.add({ ...b, kind: 'status', payload: { status, heatId, idempotencyKey: b.key } });
  }

  dismiss(key: string): void {
    this.change((items) => items.filter((i) => i.key !== key || i.state !== 'refused'));
  }

  /** The newest known state of one row of a heat. */
  rowState(heatId: number, entryId: number): RowState | null {
    let state: RowState | null = null;
    const s = this.saved[`${heatId}:${entryId}`];
    if (s) state = { kind: 'saved', seq: s.seq, version: s.version };
    for (const i of this.items) {
      if (i.heatId !== heatId || !i.entryIds.includes(entryId)) continue;
      if (i.state === 'queued') return { kind: 'pending', seq: i.seq };
      if (!state || i.seq > state.seq) state = { kind: 'refused', seq: i.seq, message: i.error?.message ?? 'refused', key: i.key };
    }
    return state;
  }

  /** Status changes of a heat still waiting. */
  pendingStatus(heatId: number): Extract<OutboxItem, { kind: 'status' }>[] {
    return this.waiting.filter((i): i is Extract<OutboxItem, { kind: 'status' }> => i.kind === 'status' && i.heatId === heatId);
  }

  private update(key: string, patch: Partial<Pick<OutboxItem, 'state' | 'error' | 'lastError'>>): void {
    this.change((items) => items.map((i) => (i.key === key ? { ...i, ...patch } : i)));
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.flush();
    }, RETRY_MS);
  }

  /** Sends waiting items of the signed-in user, oldest first, one at a time. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        const owner = this.owner;
        const next = owner && this.items.find((i) => i.state === 'queued' && i.userId === owner.id);
        if (!next) return;
        if (!this.transport?.ready()) return; // the connection calls flush() when it is back
        this.inFlight = next.key;
        let ack: Ack<{ version: number }>;
        try {
          ack = await this.transport.send(next);
        } catch (err) {
          this.update(next.key, { lastError: `not acknowledged (${err instanceof Error ? err.message : String(err)}): will resend` });
          this.scheduleRetry();
          return;
        } finally {
          this.inFlight = null;
        }
        if (ack.ok) {
          this.acknowledged(next, ack.data.version);
        } else if (TRANSIENT.has(ack.error.code)) {
          this.update(next.key, { lastError: ack.error.message });
          if (ack.error.code === 'unauthorized') {
            this.unauthorized?.();
            return; // resent after the next sign-in
          }
          this.scheduleRetry();
          return;
        } else {
          this.update(next.key, { state: 'refused', error: ack.error satisfies OutboxError, lastError: null });
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private acknowledged(item: OutboxItem, version: number): void {
    this.change((items) => items.filter((i) => i.key !== item.key));
    if (item.entryIds.length) {
      const saved = { ...this.saved };
      for (const id of item.entryIds) saved[`${item.heatId}:${id}`] = { version, seq: item.seq };
      this.saved = saved;
    }
    for (const l of this.ackListeners) l(item, version);
  }

  reset(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.change(() => []);
    this.saved = {};
    this.owner = null;
    this.inFlight = null;
  }
}

export const outbox = new Outbox();
