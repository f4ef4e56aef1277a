// The phone viewer's pages: meets -> schedule -> event -> heat, plus round ranking and standings.
import type { Round } from '../../../shared/schemas/meets.js';
import { matchPath } from '../lib/router.svelte.js';

export type ViewerRoute =
  | { page: 'meets' }
  | { page: 'schedule'; meetId: number }
  | { page: 'standings'; meetId: number }
  | { page: 'event'; eventId: number }
  | { page: 'ranking'; eventId: number; round: Round }
  | { page: 'heat'; heatId: number }
  | { page: 'not-found' };

const id = (v: string | undefined): number | null => (v !== undefined && /^[1-9][0-9]{0,15}$/.test(v) ? Number(v) : null);
const ROUNDS: readonly string[] = ['heat', 'semi', 'final'];

export function resolveRoute(path: string): ViewerRoute {
  if (path === '/' || path === '') return { page: 'meets' };
  let p = matchPath('/meets/:id', path);
  if (p && id(p.id)) return { page: 'schedule', meetId: id(p.id)! };
  p = matchPath('/meets/:id/standings', path);
  if (p && id(p.id)) return { page: 'standings', meetId: id(p.id)! };
  p = matchPath('/events/:id', path);
  if (p && id(p.id)) return { page: 'event', eventId: id(p.id)! };
  p = matchPath('/events/:id/ranking/:round', path);
  if (p && id(p.id) && ROUNDS.includes(p.round!)) return { page: 'ranking', eventId: id(p.id)!, round: p.round as Round };
  p = matchPath('/heats/:id', path);
  if (p && id(p.id)) return { page: 'heat', heatId: id(p.id)! };
  return { page: 'not-found' };
}

export const href = {
  meets: () => '/',
  schedule: (meetId: number) => `/meets/${meetId}`,
  standings: (meetId: number) => `/meets/${meetId}/standings`,
  event: (eventId: number) => `/events/${eventId}`,
  ranking: (eventId: number, round: Round) => `/events/${eventId}/ranking/${round}`,
  heat: (heatId: number) => `/heats/${heatId}`,
  board: (meetId: number) => `/board/${meetId}`,
};
