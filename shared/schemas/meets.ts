import { z } from 'zod';
import { Gender, Id, IsoDate, IsoDateTime, line, nonEmpty, Pagination } from './common.js';

export const MeetStatus = z.enum(['draft', 'open', 'live', 'finished', 'cancelled']);
export const PointsScheme = z.array(z.number().int().min(0).max(1000)).max(64);

const MeetFields = {
  name: line(200),
  startDate: IsoDate,
  endDate: IsoDate,
  venue: z.string().trim().max(200).default(''),
  status: MeetStatus.default('draft'),
  registrationOpen: z.boolean().default(false),
  registrationDeadline: IsoDateTime.nullable().optional(),
  pointsScheme: PointsScheme.default([10, 8, 6, 5, 4, 3, 2, 1]),
};
const datesInOrder = (m: { startDate?: string; endDate?: string }) =>
  !m.startDate || !m.endDate || m.endDate >= m.startDate;

export const MeetCreate = z
  .strictObject(MeetFields)
  .refine(datesInOrder, { message: 'endDate is before startDate', path: ['endDate'] });
export type MeetCreate = z.infer<typeof MeetCreate>;
export const MeetPatch = nonEmpty(
  z.strictObject({
    name: MeetFields.name,
    startDate: IsoDate,
    endDate: IsoDate,
    venue: z.string().trim().max(200),
    status: MeetStatus,
    registrationOpen: z.boolean(),
    registrationDeadline: IsoDateTime.nullable(),
    pointsScheme: PointsScheme,
  }).partial(),
).refine(datesInOrder, { message: 'endDate is before startDate', path: ['endDate'] });
export type MeetPatch = z.infer<typeof MeetPatch>;

export const Meet = z.object({
  id: Id,
  name: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  venue: z.string(),
  status: MeetStatus,
  registrationOpen: z.boolean(),
  registrationDeadline: z.string().nullable(),
  pointsScheme: z.array(z.number()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Meet = z.infer<typeof Meet>;

export const MeetQuery = z.strictObject({ status: MeetStatus.optional(), ...Pagination });

export const EventKind = z.enum(['track', 'field', 'road']);
export const EventStatus = z.enum(['scheduled', 'in_progress', 'finished', 'cancelled']);
export const Round = z.enum(['heat', 'semi', 'final']);
export type Round = z.infer<typeof Round>;

const EventFields = {
  discipline: z.string().trim().regex(/^[A-Za-z0-9 .x-]{1,20}$/, 'a discipline code such as 100m, 110mH, 4x100m or LJ'),
  name: line(200),
  gender: Gender,
  ageGroup: line(40).default('Senior'),
  kind: EventKind,
  distanceM: z.number().int().positive().max(1_000_000).nullable().optional(),
  windMeasured: z.boolean().default(false),
  handTimed: z.boolean().default(false),
  scheduledAt: IsoDateTime.nullable().optional(),
  maxParticipants: z.number().int().positive().max(10_000).nullable().optional(),
  status: EventStatus.default('scheduled'),
};
export const EventCreate = z.strictObject(EventFields);
export type EventCreate = z.infer<typeof EventCreate>;
export const EventPatch = nonEmpty(
  z.strictObject({
    ...EventFields,
    ageGroup: line(40),
    windMeasured: z.boolean(),
    handTimed: z.boolean(),
    status: EventStatus,
  }).partial(),
);
export type EventPatch = z.infer<typeof EventPatch>;

export const Event = z.object({
  id: Id,
  meetId: Id,
  eventNumber: z.number().int(),
  discipline: z.string(),
  name: z.string(),
  gender: Gender,
  ageGroup: z.string(),
  kind: EventKind,
  distanceM: z.number().int().nullable(),
  windMeasured: z.boolean(),
  handTimed: z.boolean(),
  scheduledAt: z.string().nullable(),
  maxParticipants: z.number().int().nullable(),
  status: EventStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Event = z.infer<typeof Event>;

export const HeatStatus = z.enum(['scheduled', 'started', 'finished', 'official']);
export type HeatStatus = z.infer<typeof HeatStatus>;

export const HeatSummary = z.object({
  id: Id,
  eventId: Id,
  round: Round,
  number: z.number().int(),
  scheduledAt: z.string().nullable(),
  status: HeatStatus,
  windMps: z.number().nullable(),
  startedAt: z.string().nullable(),
  version: z.number().int(),
  laneCount: z.number().int(),
});
export type HeatSummary = z.infer<typeof HeatSummary>;

/** GET /api/events/:id: the event with its rounds and their heats. */
export const EventDetail = Event.extend({
  rounds: z.array(z.object({ round: Round, heats: z.array(HeatSummary) })),
});
export type EventDetail = z.infer<typeof EventDetail>;
