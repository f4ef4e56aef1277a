// The meet and event a user is working on, shared by every screen and kept across reloads.
const KEY = 'athsys.console.selection';

function read(): { meetId: number | null; eventId: number | null } {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as { meetId?: unknown; eventId?: unknown };
    return { meetId: typeof v.meetId === 'number' ? v.meetId : null, eventId: typeof v.eventId === 'number' ? v.eventId : null };
  } catch {
    return { meetId: null, eventId: null };
  }
}

export class Selection {
  meetId = $state<number | null>(read().meetId);
  eventId = $state<number | null>(read().eventId);

  private save(): void {
    try {
      localStorage.setItem(KEY, JSON.stringify({ meetId: this.meetId, eventId: this.eventId }));
    } catch {
      // a preference only: losing it costs one click
    }
  }

  setMeet(id: number | null): void {
    if (id === this.meetId) return;
    this.meetId = id;
    this.eventId = null;
    this.save();
  }

  setEvent(id: number | null): void {
    this.eventId = id;
    this.save();
  }

  reset(): void {
    this.meetId = null;
    this.eventId = null;
    this.save();
  }
}

export const selection = new Selection();
