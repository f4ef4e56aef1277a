// The hub's public REST reads, typed by the shared contract (types only: no schema code ships).
import type { Event, EventDetail, Meet, Round } from '../../../shared/schemas/meets.js';
import type { RoundRanking } from '../../../shared/schemas/results.js';
import type { Standings } from '../../../shared/schemas/live.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' }, signal });
  if (!res.ok) {
    let message = `the hub answered ${res.status}`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON: keep the status line
    }
    throw new HttpError(res.status, message);
  }
  return (await res.json()) as T;
}

export const api = {
  meets: (signal?: AbortSignal) => getJson<{ items: Meet[]; total: number }>('/api/meets?limit=200', signal),
  meet: (id: number, signal?: AbortSignal) => getJson<Meet>(`/api/meets/${id}`, signal),
  schedule: (meetId: number, signal?: AbortSignal) => getJson<Event[]>(`/api/meets/${meetId}/events`, signal),
  event: (id: number, signal?: AbortSignal) => getJson<EventDetail>(`/api/events/${id}`, signal),
  ranking: (eventId: number, round: Round, signal?: AbortSignal) =>
    getJson<RoundRanking>(`/api/events/${eventId}/ranking?round=${round}`, signal),
  standings: (meetId: number, signal?: AbortSignal) => getJson<Standings>(`/api/meets/${meetId}/standings`, signal),
};

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
