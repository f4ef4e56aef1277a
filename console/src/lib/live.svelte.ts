// The two Socket.IO connections of the console: /console (writes, signed-in starters) and /live
// (heat snapshots pushed by the hub). Both follow the network: when the browser goes offline they are
// dropped, and when it comes back they reconnect; the outbox is told, and heat subscriptions take a
// fresh snapshot (with its version) after every reconnect.
import { io, type Socket } from 'socket.io-client';
import type { Ack } from '../../../shared/schemas/common.js';
import type { HeatSnapshot } from '../../../shared/schemas/results.js';
import type {
  ConsoleClientToServer, ConsoleServerToClient, LiveClientToServer, LiveServerToClient, SubscribeData,
} from '../../../shared/schemas/live.js';
import type { OutboxItem, OutboxTransport } from './outbox.svelte.js';

type ConsoleSocket = Socket<ConsoleServerToClient, ConsoleClientToServer>;
type LiveSocket = Socket<LiveServerToClient, LiveClientToServer>;

export type ConsoleState = 'off' | 'connecting' | 'online' | 'offline' | 'refused';

const ACK_TIMEOUT_MS = 15_000;
const RETRY_MS = 3_000;
// One engine connection per namespace (no multiplexing): the hub authenticates /console from the
// cookie of the connection's first HTTP request, so after a new sign-in the /console connection must
// open a new engine connection, not reuse one that /live keeps open with the old cookie.
const OPTS = { reconnectionDelay: 500, reconnectionDelayMax: 5_000, timeout: 10_000, autoConnect: false, multiplex: false } as const;

type HeatListener = (snapshot: HeatSnapshot) => void;

export class LiveConnection implements OutboxTransport {
  consoleState = $state<ConsoleState>('off');
  /** Why the console connection is not up (the hub's words). */
  consoleError = $state<string | null>(null);
  liveConnected = $state(false);
  networkOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

  private cs: ConsoleSocket | null = null;
  private ls: LiveSocket | null = null;
  private heatListeners = new Map<number, Set<HeatListener>>();
  private connectListeners: (() => void)[] = [];
  private unauthorized: (() => void) | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor() {
    window.addEventListener('offline', () => this.setNetwork(false));
    window.addEventListener('online', () => this.setNetwork(true));
  }

  private setNetwork(online: boolean): void {
    this.networkOnline = online;
    if (!online) {
      // No network at all: do not wait for a ping timeout to learn that the socket is dead.
      this.cs?.disconnect();
      this.ls?.disconnect();
      if (this.cs) this.consoleState = 'offline';
      this.liveConnected = false;
    } else {
      this.cs?.connect();
      if (this.heatListeners.size) this.liveSocket().connect();
    }
  }

  onConsoleConnect(listener: () => void): void {
    this.connectListeners = [...this.connectListeners, listener];
  }

  onUnauthorized(handler: () => void): void {
    this.unauthorized = handler;
  }

  /** Opens (or re-opens, with the current session cookie) the /console connection. */
  startConsole(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.cs) {
      this.cs.disconnect(); // a new sign-in: the handshake must carry the new session
      this.consoleState = 'connecting';
      if (this.networkOnline) this.cs.connect();
      return;
    }
    const s: ConsoleSocket = io('/console', OPTS);
    s.on('connect', () => {
      this.consoleState = 'online';
      this.consoleError = null;
      for (const l of this.connectListeners) l();
    });
    s.on('disconnect', (reason) => {
      if (this.cs !== s) return;
      this.consoleState = s.active ? 'connecting' : 'offline';
      if (reason === 'io server disconnect') this.retryLater(s); // the hub dropped us (e.g. session revoked)
    });
    s.on('connect_error', (err) => {
      if (this.cs !== s) return;
      const msg = err.message;
      this.consoleError = msg;
      if (msg.startsWith('forbidden')) {
        this.consoleState = 'refused';
      } else if (msg.startsWith('unauthorized')) {
        this.consoleState = 'offline';
        this.unauthorized?.();
      } else {
        this.consoleState = s.active ? 'connecting' : 'offline';
        if (!s.active) this.retryLater(s); // refused by middleware (hub busy): Socket.IO will not retry by itself
      }
    });
    this.cs = s;
    this.consoleState = 'connecting';
    if (this.networkOnline) s.connect();
  }

  private retryLater(s: ConsoleSocket): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.cs === s && !s.connected && this.networkOnline) s.connect();
    }, RETRY_MS);
  }

  stopConsole(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const s = this.cs;
    this.cs = null;
    s?.removeAllListeners();
    s?.disconnect();
    this.consoleState = 'off';
    this.consoleError = null;
  }

  // OutboxTransport
  ready(): boolean {
    return this.networkOnline && this.cs?.connected === true;
  }

  async send(item: OutboxItem): Promise<Ack<{ version: number }>> {
    const s = this.cs;
    if (!s?.connected) throw new Error('not connected');
    // socket.io-client types a timed acknowledgement as any: the shared contract says what it is.
    const ack: unknown =
      item.kind === 'results'
        ? await s.timeout(ACK_TIMEOUT_MS).emitWithAck('result:submit', item.payload)
        : await s.timeout(ACK_TIMEOUT_MS).emitWithAck('heat:status', item.payload);
    return ack as Ack<{ version: number }>;
  }

  private liveSocket(): LiveSocket {
    if (this.ls) return this.ls;
    const s: LiveSocket = io('/live', OPTS);
    s.on('connect', () => {
      this.liveConnected = true;
      for (const heatId of this.heatListeners.keys()) this.fetchHeat(heatId);
    });
    s.on('disconnect', () => {
      this.liveConnected = false;
    });
    s.on('heat:update', (snap) => this.dispatch(snap));
    this.ls = s;
    return s;
  }

  private dispatch(snap: HeatSnapshot): void {
    for (const l of this.heatListeners.get(snap.heatId) ?? []) l(snap);
  }

  /** Joins the heat's room; its snapshot comes with the acknowledgement. */
  private fetchHeat(heatId: number): void {
    const s = this.liveSocket();
    if (!s.connected) return;
    s.timeout(ACK_TIMEOUT_MS)
      .emitWithAck('subscribe', { heatId })
      .then((res: unknown) => {
        const ack = res as Ack<SubscribeData>;
        if (ack.ok && 'rows' in ack.data && 'heatId' in ack.data) this.dispatch(ack.data);
      })
      .catch(() => undefined); // the next reconnect subscribes again
  }

  /** Live snapshots of one heat: now, after every reconnect, and on every change. */
  watchHeat(heatId: number, listener: HeatListener): () => void {
    const set = this.heatListeners.get(heatId) ?? new Set<HeatListener>();
    set.add(listener);
    this.heatListeners.set(heatId, set);
    const s = this.liveSocket();
    if (s.connected) this.fetchHeat(heatId);
    else if (this.networkOnline) s.connect();
    return () => {
      set.delete(listener);
      if (set.size) return;
      this.heatListeners.delete(heatId);
      if (s.connected) s.emit('unsubscribe', { heatId });
    };
  }

  reset(): void {
    this.stopConsole();
    this.ls?.disconnect();
    this.ls = null;
    this.heatListeners.clear();
    this.liveConnected = false;
  }
}

export const live = new LiveConnection();
