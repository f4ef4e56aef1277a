// The one live state of the display app (stadium board and spectators' phones): a socket.io-client
// connection to the hub's public /live namespace, the subscriptions the views hold, the newest heat
// snapshots, meet summaries and standings, the connection state and the offset of the hub's clock.
//
// Rules it keeps:
// - every (re)connect resubscribes everything held and takes a fresh snapshot;
// - versions only increase: an update older than (or as old as) what is held is dropped;
// - the hub's clock is measured at every connect (time:now): offset = hubNow - (t0 + t1) / 2.
import { io, type Socket } from 'socket.io-client';
import type { Ack } from '../../../shared/schemas/common.js';
import { isoAt, mapOf, withEntry } from './immutable.js';
import type { HeatSnapshot } from '../../../shared/schemas/results.js';
import type {
  EventLiveSnapshot, LiveClientToServer, LiveHeatSummary, LiveServerToClient, LiveSubscribe, MeetLiveSnapshot, Standings,
  SubscribeData,
} from '../../../shared/schemas/live.js';

export type ConnectionState = 'connecting' | 'online' | 'offline';

/** A heat of a meet as the board follows it: the hub's summary plus when it last changed (hub clock, ms). */
export interface ActiveHeat extends LiveHeatSummary {
  activeAt: number;
}

/** What a listener learns with each newer heat snapshot. */
export interface HeatChange {
  /** The snapshot it replaces; undefined the first time this client sees the heat. */
  prev: HeatSnapshot | undefined;
  /** The heat's status before, from the snapshot or, failing that, the meet's summary. */
  prevStatus: LiveHeatSummary['status'] | undefined;
  /** 'update': a broadcast of a change; 'snapshot': the answer to a (re)subscription. */
  source: 'update' | 'snapshot';
}

/** Called for every heat snapshot that replaces an older one. */
export type HeatListener = (next: HeatSnapshot, change: HeatChange) => void;

export interface LiveOptions {
  /** Hub origin; default: the page's own origin. */
  url?: string;
  /** Upper bound of the reconnection back-off (ms). */
  reconnectionDelayMax?: number;
}

const ACK_TIMEOUT_MS = 8_000;
/** A subscription the hub refuses as `unavailable` (its database is down) is asked again, backing off. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 5_000;
const CLOCK_SAMPLES = 3;

const keyOf = (req: LiveSubscribe): string =>
  req.heatId != null ? `heat:${req.heatId}` : req.eventId != null ? `event:${req.eventId}` : `meet:${req.meetId}`;

const isHeatSnapshot = (d: SubscribeData): d is HeatSnapshot => 'rows' in d;
const isMeetSnapshot = (d: SubscribeData): d is MeetLiveSnapshot => 'standings' in d;
const isEventSnapshot = (d: SubscribeData): d is EventLiveSnapshot => 'eventId' in d && 'heats' in d;

interface Subscription {
  req: LiveSubscribe;
  holders: number;
  onError: Set<(message: string) => void>;
}

export class LiveClient {
  #socket: Socket<LiveServerToClient, LiveClientToServer> | null = null;
  readonly #options: LiveOptions;
  readonly #subs = new Map<string, Subscription>();
  readonly #listeners = new Set<HeatListener>();

  #connection = $state<ConnectionState>('connecting');
  /** True once every subscription has its fresh snapshot after the latest connect. */
  #synced = $state(false);
  #offsetMs = $state(0);
  #rttMs = $state<number | null>(null);
  #reconnects = $state(0);
  // Immutable maps: each change makes a new one, so readers re-render on exactly what changed.
  #heats = $state.raw<ReadonlyMap<number, HeatSnapshot>>(mapOf());
  #eventHeats = $state.raw<ReadonlyMap<number, readonly number[]>>(mapOf());
  #meetHeats = $state.raw<ReadonlyMap<number, readonly ActiveHeat[]>>(mapOf());
  #standings = $state.raw<ReadonlyMap<number, Standings>>(mapOf());

  constructor(options: LiveOptions = {}) {
    this.#options = options;
  }

  get connection(): ConnectionState {
    return this.#connection;
  }
  get synced(): boolean {
    return this.#synced;
  }
  /** hub clock - this clock, in ms (0 until measured). */
  get offsetMs(): number {
    return this.#offsetMs;
  }
  get rttMs(): number | null {
    return this.#rttMs;
  }
  /** How many times the connection came back after a loss. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** The hub's clock now, in epoch ms. */
  hubNow(): number {
    return Date.now() + this.#offsetMs;
  }

  heat(heatId: number): HeatSnapshot | undefined {
    return this.#heats.get(heatId);
  }

  /** Snapshots of an event's heats (after an event subscription), in the hub's round/heat order. */
  eventHeats(eventId: number): HeatSnapshot[] {
    return (this.#eventHeats.get(eventId) ?? []).flatMap((id) => this.#heats.get(id) ?? []);
  }

  /** The heats of a meet in schedule order (after a meet subscription). */
  meetHeats(meetId: number): readonly ActiveHeat[] {
    return this.#meetHeats.get(meetId) ?? [];
  }

  standings(meetId: number): Standings | undefined {
    return this.#standings.get(meetId);
  }

  /** Opens the connection (once). Views call it; tests may build their own client. */
  connect(): this {
    if (this.#socket) return this;
    const socket: Socket<LiveServerToClient, LiveClientToServer> = io(`${this.#options.url ?? ''}/live`, {
      transports: ['websocket', 'polling'],
      reconnectionDelay: 250,
      reconnectionDelayMax: this.#options.reconnectionDelayMax ?? 2_000,
      randomizationFactor: 0.3,
    });
    this.#socket = socket;
    socket.on('connect', () => {
      if (this.#connection === 'offline') this.#reconnects++;
      this.#connection = 'online';
      this.#synced = false;
      void this.#resync(socket);
    });
    socket.on('disconnect', () => {
      this.#connection = 'offline';
      this.#synced = false;
    });
    socket.on('connect_error', () => {
      this.#connection = 'offline';
    });
    socket.on('heat:update', (snapshot) => this.#applyHeat(snapshot, 'update'));
    socket.on('standings:update', (standings) => this.#applyStandings(standings));
    return this;
  }

  /**
   * Holds a subscription until the returned function is called (reference-counted: two views may
   * hold the same one). Fits `$effect(() => live.subscribe(...))`.
   */
  subscribe(req: LiveSubscribe, onError?: (message: string) => void): () => void {
    const key = keyOf(req);
    let sub = this.#subs.get(key);
    if (!sub) {
      sub = { req, holders: 0, onError: new Set() };
      this.#subs.set(key, sub);
      const socket = this.#socket;
      // While disconnected, the next connect subscribes everything held.
      if (socket?.connected) void this.#subscribeOne(socket, sub);
    }
    sub.holders++;
    if (onError) sub.onError.add(onError);
    const held = sub;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (onError) held.onError.delete(onError);
      if (--held.holders > 0) return;
      this.#subs.delete(key);
      if (this.#socket?.connected) this.#socket.emit('unsubscribe', held.req);
    };
  }

  /** Listens to every newer heat snapshot (follow notices). Returns the function that stops it. */
  onHeat(listener: HeatListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Forgets every snapshot (the subscriptions and the connection stay). */
  reset(): void {
    this.#heats = mapOf();
    this.#eventHeats = mapOf();
    this.#meetHeats = mapOf();
    this.#standings = mapOf();
  }

  close(): void {
    this.#socket?.close();
    this.#socket = null;
    this.#subs.clear();
    this.#listeners.clear();
    this.#connection = 'offline';
    this.reset();
  }

  async #resync(socket: Socket<LiveServerToClient, LiveClientToServer>): Promise<void> {
    // Fresh snapshots first (what the screen shows), the clock right after.
    await Promise.all([...this.#subs.values()].map((sub) => this.#subscribeOne(socket, sub)));
    if (socket.connected) this.#synced = true;
    await this.#measureClock(socket);
  }

  async #subscribeOne(socket: Socket<LiveServerToClient, LiveClientToServer>, sub: Subscription): Promise<void> {
    const key = keyOf(sub.req);
    for (let attempt = 0; ; attempt++) {
      let res: Ack<SubscribeData>;
      try {
        res = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('subscribe', sub.req)) as Ack<SubscribeData>;
      } catch {
        return; // no answer: the connection is going; the next connect resubscribes
      }
      if (this.#subs.get(key) !== sub) return; // released meanwhile
      if (res.ok) return this.#applyData(res.data);
      // A hub whose database is down cannot give a snapshot (nor put this screen in the room): without
      // asking again, the screen would stay on what it shows until its next reconnect.
      if (res.error.code === 'unavailable' && socket.connected && this.#socket === socket) {
        await new Promise((r) => setTimeout(r, Math.min(RETRY_FIRST_MS * 2 ** attempt, RETRY_MAX_MS)));
        if (socket.connected && this.#socket === socket && this.#subs.get(key) === sub) continue;
        return;
      }
      for (const f of sub.onError) f(res.error.message);
      return;
    }
  }

  async #measureClock(socket: Socket<LiveServerToClient, LiveClientToServer>): Promise<void> {
    let best: { rtt: number; offset: number } | null = null;
    for (let i = 0; i < CLOCK_SAMPLES && socket.connected; i++) {
      const t0 = Date.now();
      let res: Ack<{ now: number }>;
      try {
        res = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('time:now')) as Ack<{ now: number }>;
      } catch {
        return;
      }
      const t1 = Date.now();
      if (!res.ok) return;
      // The hub read its clock about halfway through the round trip; the shortest trip errs least.
      const sample = { rtt: t1 - t0, offset: res.data.now - (t0 + t1) / 2 };
      if (!best || sample.rtt < best.rtt) best = sample;
    }
    if (!best) return;
    this.#offsetMs = Math.round(best.offset);
    this.#rttMs = best.rtt;
  }

  #applyData(data: SubscribeData): void {
    if (isHeatSnapshot(data)) this.#applyHeat(data, 'snapshot');
    else if (isMeetSnapshot(data)) this.#applyMeet(data);
    else if (isEventSnapshot(data)) this.#applyEvent(data);
  }

  #applyHeat(next: HeatSnapshot, source: 'update' | 'snapshot'): void {
    const prev = this.#heats.get(next.heatId);
    if (prev && next.version <= prev.version) return; // older or already shown
    this.#heats = withEntry(this.#heats, next.heatId, next);

    const ids = this.#eventHeats.get(next.eventId);
    if (ids && !ids.includes(next.heatId)) this.#eventHeats = withEntry(this.#eventHeats, next.eventId, [...ids, next.heatId]);

    const summaries = this.#meetHeats.get(next.meetId);
    const i = summaries ? summaries.findIndex((s) => s.heatId === next.heatId) : -1;
    const old = summaries?.[i];
    if (summaries) {
      if (!old || next.version > old.version) {
        const updated: ActiveHeat = {
          heatId: next.heatId, eventId: next.eventId, eventName: next.eventName, round: next.round, heatNumber: next.heatNumber,
          status: next.status, startedAt: next.startedAt, version: next.version,
          scheduledAt: old?.scheduledAt ?? null,
          // A broadcast is news now; a snapshot of a heat we already summarised changes nothing of its timing.
          updatedAt: source === 'update' ? isoAt(this.hubNow()) : (old?.updatedAt ?? isoAt(this.hubNow())),
          activeAt: source === 'update' ? this.hubNow() : (old?.activeAt ?? this.hubNow()),
        };
        this.#meetHeats = withEntry(this.#meetHeats, next.meetId, i < 0 ? [...summaries, updated] : summaries.with(i, updated));
      }
    }
    const change: HeatChange = { prev, prevStatus: prev?.status ?? old?.status, source };
    for (const listener of this.#listeners) listener(next, change);
  }

  #applyEvent(data: EventLiveSnapshot): void {
    this.#eventHeats = withEntry(this.#eventHeats, data.eventId, data.heats.map((h) => h.heatId));
    for (const h of data.heats) this.#applyHeat(h, 'snapshot');
  }

  #applyMeet(data: MeetLiveSnapshot): void {
    const held = mapOf((this.#meetHeats.get(data.meetId) ?? []).map((h) => [h.heatId, h] as const));
    const merged = data.heats.map((h): ActiveHeat => {
      const mine = held.get(h.heatId);
      // A broadcast that overtook the snapshot is newer: keep it.
      if (mine && mine.version > h.version) return mine;
      return { ...h, activeAt: Date.parse(h.updatedAt) };
    });
    this.#meetHeats = withEntry(this.#meetHeats, data.meetId, merged);
    this.#applyStandings(data.standings);
  }

  #applyStandings(next: Standings): void {
    const prev = this.#standings.get(next.meetId);
    if (prev && next.version < prev.version) return;
    this.#standings = withEntry(this.#standings, next.meetId, next);
  }
}

let shared: LiveClient | null = null;

/** The page's one live client (both views use it), connected on first use. */
export function liveClient(): LiveClient {
  shared ??= new LiveClient().connect();
  return shared;
}
