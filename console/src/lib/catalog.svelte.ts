// Meets and their events (public reads), cached for the pickers of every screen. Screens that create
// or change a meet or an event call refresh so that every picker sees it.
import type { Event, Meet } from '../../../shared/schemas/meets.js';
import { api, messageOf } from './api.js';

type Page<T> = { items: T[]; total: number };

export class Catalog {
  meets = $state<Meet[]>([]);
  events = $state<Record<number, Event[]>>({});
  error = $state<string | null>(null);
  private loaded = false;

  async loadMeets(force = false): Promise<void> {
    if (this.loaded && !force) return;
    try {
      this.meets = (await api.get<Page<Meet>>('/api/meets', { limit: 200 })).items;
      this.loaded = true;
      this.error = null;
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  async loadEvents(meetId: number, force = false): Promise<void> {
    if (this.events[meetId] && !force) return;
    try {
      const list = await api.get<Event[]>(`/api/meets/${meetId}/events`);
      this.events = { ...this.events, [meetId]: list };
      this.error = null;
    } catch (err) {
      this.error = messageOf(err);
    }
  }

  eventsOf(meetId: number | null): Event[] {
    return meetId === null ? [] : (this.events[meetId] ?? []);
  }

  event(meetId: number | null, eventId: number | null): Event | undefined {
    return this.eventsOf(meetId).find((e) => e.id === eventId);
  }

  reset(): void {
    this.meets = [];
    this.events = {};
    this.error = null;
    this.loaded = false;
  }
}

export const catalog = new Catalog();
