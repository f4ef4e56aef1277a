import { z } from 'zod';
import { Country, Email, Gender, Id, IsoDate, line, nonEmpty, optionalLine, Pagination, RefId } from './common.js';

const AthleteFields = {
  firstName: line(100),
  lastName: line(100),
  country: Country,
  birthDate: IsoDate.refine((d) => d > '1900-01-01', 'a date after 1900-01-01').nullable().optional(),
  gender: Gender,
  club: optionalLine(200),
  coachName: optionalLine(200),
  coachUserId: RefId.nullable().optional(),
  contactEmail: Email.nullable().optional(),
  contactPhone: z.string().trim().regex(/^[+0-9 ()./-]{3,40}$/, 'digits, spaces and + ( ) . / - only').nullable().optional(),
  userId: RefId.nullable().optional(),
};

export const AthleteCreate = z.strictObject(AthleteFields);
export type AthleteCreate = z.infer<typeof AthleteCreate>;
export const AthletePatch = nonEmpty(z.strictObject(AthleteFields).partial());
export type AthletePatch = z.infer<typeof AthletePatch>;

export const Athlete = z.object({
  id: Id,
  firstName: z.string(),
  lastName: z.string(),
  country: z.string(),
  birthDate: z.string().nullable(),
  gender: Gender,
  club: z.string().nullable(),
  coachName: z.string().nullable(),
  coachUserId: Id.nullable(),
  contactEmail: z.string().nullable(),
  contactPhone: z.string().nullable(),
  userId: Id.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Athlete = z.infer<typeof Athlete>;

export const AthleteQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  country: Country.optional(),
  club: z.string().trim().max(200).optional(),
  ...Pagination,
});
export type AthleteQuery = z.infer<typeof AthleteQuery>;

/** One row of an athletes CSV import: the header names are these keys. */
export const ATHLETE_CSV_COLUMNS = ['firstName', 'lastName', 'country', 'birthDate', 'gender', 'club', 'coachName', 'contactEmail', 'contactPhone'] as const;

export const ImportReport = z.object({
  created: z.array(z.object({ row: z.number().int(), id: Id })),
  rejected: z.array(z.object({ row: z.number().int(), field: z.string().optional(), message: z.string() })),
});
export type ImportReport = z.infer<typeof ImportReport>;
