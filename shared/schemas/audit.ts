import { z } from 'zod';
import { Id, IsoDateTime, Pagination } from './common.js';

export const AuditQuery = z.strictObject({
  userId: Id.optional(),
  entityType: z.string().trim().max(40).optional(),
  entityId: z.string().trim().max(40).optional(),
  action: z.string().trim().max(60).optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  ...Pagination,
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: Id,
  at: z.string(),
  userId: Id.nullable(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
