// A spectator's screen as the display apps behave: subscribe on every (re)connect, keep per heat the
// newest version seen; a subscription refused as `unavailable` (database down) is asked again.
import type { Socket } from 'socket.io-client';
import type { HeatSnapshot } from '../../shared/schemas/results.js';
import type { Ack } from '../../shared/schemas/common.js';
import type { EventLiveSnapshot } from '../../shared/schemas/live.js';
import { ack } from './sockets.js';

export class TestViewer {
  readonly heats = new Map<number, HeatSnapshot>();
  disconnects = 0;
  constructor(readonly socket: Socket, eventId: number) {
    socket.on('heat:update', (s: HeatSnapshot) => this.apply(s));
    socket.on('disconnect', () => this.disconnects++);
    socket.on('connect', () => void this.subscribe(eventId));
  }
  private async subscribe(eventId: number): Promise<void> {
    for (let attempt = 0; this.socket.connected; attempt++) {
      const r = await ack<Ack<EventLiveSnapshot>>(this.socket, 'subscribe', { eventId }).catch(() => null);
      if (r?.ok) return r.data.heats.forEach((h) => this.apply(h));
      if (r && r.error.code !== 'unavailable') return;
      await new Promise((res) => setTimeout(res, Math.min(500 * 2 ** attempt, 5000)));
    }
  }
  apply(s: HeatSnapshot): void {
    const shown = this.heats.get(s.heatId);
    if (!shown || s.version > shown.version) this.heats.set(s.heatId, s);
  }
  async node(): Promise<string> {
    const r = await ack<Ack<{ node: string }>>(this.socket, 'time:now', undefined);
    if (!r.ok) throw new Error(r.error.message);
    return r.data.node;
  }
}
