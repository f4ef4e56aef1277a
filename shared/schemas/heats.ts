import { z } from 'zod';
import { Id, IsoDateTime, RefId } from './common.js';
import { EntryStatus } from './entries.js';
import { HeatSummary, Round } from './meets.js';

export const LaneAssignment = z.strictObject({ entryId: RefId, lane: z.number().int().min(1).max(999) });
export type LaneAssignment = z.infer<typeof LaneAssignment>;

const uniqueLanes = (lanes: LaneAssignment[]) =>
  new Set(lanes.map((l) => l.lane)).size === lanes.length && new Set(lanes.map((l) => l.entryId)).size === lanes.length;
export const Lanes = z
  .array(LaneAssignment)
  .max(200)
  .refine(uniqueLanes, { message: 'each lane and each entry may appear once' });

export const HeatsCreate = z.discriminatedUnion('mode', [
  z.strictObject({
    mode: z.literal('explicit'),
    round: Round,
    heats: z
      .array(z.strictObject({ scheduledAt: IsoDateTime.nullable().optional(), lanes: Lanes }))
      .min(1)
      .max(99),
  }),
  z.strictObject({
    mode: z.literal('seeded'),
    round: Round,
    heatCount: z.number().int().min(1).max(99),
    lanes: z.number().int().min(1).max(12).default(8),
    scheduledAt: IsoDateTime.nullable().optional(),
  }),
]);
export type HeatsCreate = z.infer<typeof HeatsCreate>;

export const LanesPut = z.strictObject({ lanes: Lanes });

/** One lane of a heat as the registrar sees it (the public start list is the heat snapshot). */
export const StartLane = z.object({
  lane: z.number().int(),
  entryId: Id,
  athleteId: Id,
  bib: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  country: z.string(),
  seedMark: z.number().int().nullable(),
  status: EntryStatus,
});
export type StartLane = z.infer<typeof StartLane>;

/** A heat with its lane assignments: what POST /api/events/:id/heats and PUT /api/heats/:id/lanes answer. */
export const HeatWithLanes = HeatSummary.extend({ lanes: z.array(StartLane) });
export type HeatWithLanes = z.infer<typeof HeatWithLanes>;
