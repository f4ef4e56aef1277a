// Results: what consoles, timing systems and REST clients submit, and the ranked heat snapshot the
// hub broadcasts. One contract for the server, the console and the displays.
import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { Bib } from './entries.js';
import { HeatStatus, Round } from './meets.js';

export const RESULT_STATUSES = ['OK', 'DNS', 'DNF', 'DQ'] as const;
export const ResultStatus = z.enum(RESULT_STATUSES);
export type ResultStatus = z.infer<typeof ResultStatus>;

/** 24 h in thousandths: anything longer is a typing error. */
export const MAX_TIME_MS = 86_400_000;
export const IdempotencyKey = z.string().min(8).max(200).regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only');
export const WindMps = z.number().min(-99.9).max(99.9);

export const ResultInput = z
  .strictObject({
    entryId: Id.optional(),
    bib: Bib.optional(),
    timeMs: z.number().int().positive().max(MAX_TIME_MS - 1).nullable().optional(),
    status: ResultStatus,
    dqRule: z.string().trim().min(1).max(40).nullable().optional(),
    reactionMs: z.number().int().min(0).max(10_000).nullable().optional(),
    /** A judges' place supplied by a timing system (overrides places from times). */
    judgedPlace: z.number().int().positive().max(999).nullable().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.entryId == null && r.bib == null) ctx.addIssue({ code: 'custom', message: 'give entryId or bib', path: ['entryId'] });
    if (r.status === 'OK' && r.timeMs == null) ctx.addIssue({ code: 'custom', message: 'a finish (OK) needs timeMs', path: ['timeMs'] });
    if (r.status !== 'OK' && r.timeMs != null) ctx.addIssue({ code: 'custom', message: `a ${r.status} has no time`, path: ['timeMs'] });
    if (r.status === 'DQ' && !r.dqRule) ctx.addIssue({ code: 'custom', message: 'a DQ needs the rule, e.g. TR16.8', path: ['dqRule'] });
    if (r.status !== 'DQ' && r.dqRule) ctx.addIssue({ code: 'custom', message: 'only a DQ has a rule', path: ['dqRule'] });
  });
export type ResultInput = z.infer<typeof ResultInput>;

export const ResultSubmitBody = z.strictObject({
  windMps: WindMps.nullable().optional(),
  results: z.array(ResultInput).min(1).max(200),
});
export const ResultSubmit = ResultSubmitBody.extend({ idempotencyKey: IdempotencyKey, heatId: Id });
export type ResultSubmit = z.infer<typeof ResultSubmit>;

export const HeatStatusChange = z.enum(['started', 'finished', 'official', 'reopen']);
export const HeatStatusBody = z.strictObject({
  status: HeatStatusChange,
  /** When the gun fired (timing systems know it to the millisecond); default: when the hub hears it. */
  startedAt: IsoDateTime.optional(),
});
export const HeatStatusSubmit = HeatStatusBody.extend({ idempotencyKey: IdempotencyKey, heatId: Id });
export type HeatStatusSubmit = z.infer<typeof HeatStatusSubmit>;

/** Flags a row can carry: w wind-assisted, FS reaction under 0.100 s, Q/q qualification, PB/SB, records. */
export const ResultFlag = z.enum(['w', 'FS', 'Q', 'q', 'qR', 'qJ', 'qD', 'PB', 'SB', 'MR', 'NR', 'WR']);
export type ResultFlag = z.infer<typeof ResultFlag>;

export const SnapshotRow = z.object({
  place: z.number().int().nullable(),
  entryId: Id,
  athleteId: Id,
  bib: z.string(),
  name: z.string(),
  country: z.string(),
  club: z.string().nullable(),
  lane: z.number().int(),
  timeMs: z.number().int().nullable(),
  /** Official display string (rounded by the event's rules), null without a time. */
  time: z.string().nullable(),
  /** null: no result yet (start list). */
  status: ResultStatus.nullable(),
  dqRule: z.string().nullable(),
  reactionMs: z.number().int().nullable(),
  checkedIn: z.boolean(),
  revision: z.number().int(),
  flags: z.array(ResultFlag),
});
export type SnapshotRow = z.infer<typeof SnapshotRow>;

export const HeatSnapshot = z.object({
  heatId: Id,
  eventId: Id,
  eventName: z.string(),
  discipline: z.string(),
  meetId: Id,
  round: Round,
  heatNumber: z.number().int(),
  status: HeatStatus,
  windMps: z.number().nullable(),
  startedAt: z.string().nullable(),
  version: z.number().int(),
  rows: z.array(SnapshotRow),
});
export type HeatSnapshot = z.infer<typeof HeatSnapshot>;

export const RoundRankingRow = z.object({
  rank: z.number().int().nullable(),
  entryId: Id,
  heatId: Id,
  heatNumber: z.number().int(),
  bib: z.string(),
  name: z.string(),
  country: z.string(),
  timeMs: z.number().int().nullable(),
  time: z.string().nullable(),
  status: ResultStatus,
  qualification: z.string().nullable(),
});
export const RoundRanking = z.object({ eventId: Id, round: Round, rows: z.array(RoundRankingRow) });
export type RoundRanking = z.infer<typeof RoundRanking>;

export const RoundRule = z.strictObject({
  byPlace: z.number().int().min(0).max(99),
  byTime: z.number().int().min(0).max(99),
  /** Places in the next round: athletes tied for the last q all advance when they fit, else a draw (qD). */
  capacity: z.number().int().min(1).max(999).nullable().default(null),
});
export type RoundRule = z.infer<typeof RoundRule>;

export const AdvanceBody = z.strictObject({
  toRound: Round,
  heatCount: z.number().int().min(1).max(99),
  lanes: z.number().int().min(1).max(12).default(8),
});

export const ResultRevision = z.object({
  revision: z.number().int(),
  timeMs: z.number().int().nullable(),
  status: z.string(),
  dqRule: z.string().nullable(),
  reactionMs: z.number().int().nullable(),
  source: z.string(),
  enteredBy: z.number().nullable(),
  enteredAt: z.string(),
});
