// The FinishLynx exchange's contract, one copy for the hub and the console: what importing a .lif
// answers, and how large a file may be.
import { z } from 'zod';
import { Id } from './common.js';

/** The encodings a timing room's files come in (detected from the bytes; see server/lynx/encoding.ts). */
export const LYNX_ENCODINGS = ['utf-8', 'windows-1252'] as const;
export type LynxEncoding = (typeof LYNX_ENCODINGS)[number];

/** The largest .lif the hub takes (a heat's file is a few KB). */
export const MAX_LIF_BYTES = 1024 * 1024;

export const LifImportReply = z.object({
  heatId: Id,
  /** The heat's version after the import (or after the earlier import of the same file). */
  version: z.number().int(),
  /** true: this heat's last import was this very file; nothing changed. */
  replay: z.boolean(),
  /** Results in the file (rows with a place, time or status). */
  results: z.number().int(),
  /** Rows of the start list without any result yet (not submitted). */
  pending: z.number().int(),
  eventNumber: z.number().int(),
  round: z.number().int(),
  heat: z.number().int(),
  encoding: z.enum(LYNX_ENCODINGS),
});
export type LifImportReply = z.infer<typeof LifImportReply>;
