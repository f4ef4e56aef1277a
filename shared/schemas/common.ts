// Building blocks of every REST body and socket event. Objects are strict: an unknown field is a 400.
import { z } from 'zod';

/** Database ids: positive integers that JavaScript numbers hold exactly. */
export const Id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const IdParams = z.strictObject({ id: Id });
/** An id inside a JSON body: a number, not coerced (`true`, `[5]` or `"0x10"` are not ids). */
export const RefId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A trimmed, non-empty, bounded line of text. */
export const line = (max: number) => z.string().trim().min(1).max(max);
export const optionalLine = (max: number) => z.string().trim().max(max).nullable().optional();

export const IsoDate = z.iso.date();
export const IsoDateTime = z.iso.datetime({ offset: true });
export const Country = z.string().regex(/^[A-Z]{3}$/, 'a three-letter IOC code in capitals, e.g. KEN');
export const Gender = z.enum(['M', 'F', 'X']);
export const Email = z.email().max(254);

export const Pagination = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** A PATCH body must change something. */
export const nonEmpty = <T extends z.ZodObject>(schema: T) =>
  schema.refine((v) => Object.keys(v).length > 0, { message: 'nothing to change: send at least one field' });

/** Acknowledgement of a socket write. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; field?: string } };
