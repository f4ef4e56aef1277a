// A spectator's screen as the display apps behave: subscribe on every (re)connect, keep per heat the
// newest version seen.
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
    socket.on('connect', () => {
      void ack<Ack<EventLiveSnapshot>>(socket, 'subscribe', { eventId }).then((r) => r.ok && r.data.heats.forEach((h) => this.apply(h)), () => {});
    });
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
