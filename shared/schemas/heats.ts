import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { Round } from './meets.js';

export const LaneAssignment = z.strictObject({ entryId: Id, lane: z.number().int().min(1).max(999) });
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
