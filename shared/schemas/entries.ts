import { z } from 'zod';
import { Id, nonEmpty, Pagination, RefId } from './common.js';

export const Bib = z.string().trim().regex(/^[A-Za-z0-9-]{1,8}$/, '1 to 8 letters, digits or -');
export const EntryStatus = z.enum(['entered', 'confirmed', 'scratched']);
/** Seed mark: thousandths of a second (track, road) or millimetres (field). */
export const SeedMark = z.number().int().positive().max(86_400_000);

export const EntryCreate = z.strictObject({
  athleteId: RefId,
  bib: Bib,
  seedMark: SeedMark.nullable().optional(),
  status: EntryStatus.default('entered'),
});
export type EntryCreate = z.infer<typeof EntryCreate>;

export const EntryPatch = nonEmpty(
  z.strictObject({
    status: EntryStatus,
    bib: Bib,
    checkedIn: z.boolean(),
    seedMark: SeedMark.nullable(),
  }).partial(),
);
export type EntryPatch = z.infer<typeof EntryPatch>;

export const Entry = z.object({
  id: Id,
  eventId: Id,
  meetId: Id,
  athleteId: Id,
  bib: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  country: z.string(),
  club: z.string().nullable(),
  status: EntryStatus,
  checkedIn: z.boolean(),
  checkedInAt: z.string().nullable(),
  seedMark: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Entry = z.infer<typeof Entry>;

export const EntryQuery = z.strictObject({ status: EntryStatus.optional(), ...Pagination });
export type EntryQuery = z.infer<typeof EntryQuery>;

export const ENTRY_CSV_COLUMNS = ['athleteId', 'bib', 'seedMark'] as const;
