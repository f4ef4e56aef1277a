// The Socket.IO contract: namespaces /live (public, read-only) and /console (signed-in writers).
import { z } from 'zod';
import { Id } from './common.js';
import type { Ack } from './common.js';
import { HeatStatus, Round } from './meets.js';
import { HeatSnapshot, HeatStatusSubmit, ResultSubmit } from './results.js';

/** Exactly one of heatId, eventId, meetId. */
export const LiveSubscribe = z
  .strictObject({ heatId: Id.optional(), eventId: Id.optional(), meetId: Id.optional() })
  .refine((r) => [r.heatId, r.eventId, r.meetId].filter((v) => v != null).length === 1, {
    message: 'give exactly one of heatId, eventId or meetId',
  });
export type LiveSubscribe = z.infer<typeof LiveSubscribe>;

export const StandingRow = z.object({ team: z.string(), points: z.number(), rank: z.number().int() });
export const Standings = z.object({ meetId: Id, version: z.number(), rows: z.array(StandingRow) });
export type Standings = z.infer<typeof Standings>;

export const LiveHeatSummary = z.object({
  heatId: Id,
  eventId: Id,
  eventName: z.string(),
  round: Round,
  heatNumber: z.number().int(),
  status: HeatStatus,
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type LiveHeatSummary = z.infer<typeof LiveHeatSummary>;

export const EventLiveSnapshot = z.object({ eventId: Id, heats: z.array(HeatSnapshot) });
export type EventLiveSnapshot = z.infer<typeof EventLiveSnapshot>;
export const MeetLiveSnapshot = z.object({ meetId: Id, heats: z.array(LiveHeatSummary), standings: Standings });
export type MeetLiveSnapshot = z.infer<typeof MeetLiveSnapshot>;

export type SubscribeData = HeatSnapshot | EventLiveSnapshot | MeetLiveSnapshot;

export interface LiveServerToClient {
  'heat:update': (snapshot: HeatSnapshot) => void;
  'standings:update': (standings: Standings) => void;
}
export interface LiveClientToServer {
  subscribe: (req: LiveSubscribe, ack: (res: Ack<SubscribeData>) => void) => void;
  unsubscribe: (req: LiveSubscribe, ack?: (res: Ack<null>) => void) => void;
  /** The hub's clock, for boards that run a race clock, and which hub process answered. */
  'time:now': (ack: (res: Ack<{ now: number; node: string }>) => void) => void;
}

export interface ConsoleClientToServer {
  'result:submit': (req: ResultSubmit, ack: (res: Ack<{ version: number }>) => void) => void;
  'heat:status': (req: HeatStatusSubmit, ack: (res: Ack<{ version: number }>) => void) => void;
}
export type ConsoleServerToClient = LiveServerToClient;

export const liveRooms = {
  heat: (id: number) => `heat:${id}`,
  event: (id: number) => `event:${id}`,
  meet: (id: number) => `meet:${id}`,
};
