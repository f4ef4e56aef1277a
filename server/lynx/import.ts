// A FinishLynx results file into a heat, through the one ingest path (ResultsService.submitResults,
// source 'lynx'). Idempotent on the file's bytes:
// - the heat's last imported file has the same sha256: nothing is submitted, the first answer comes back;
// - else the results are submitted under the key `lif-<sha256>` (the first file of a heat) or
//   `lif-<sha256>-<id of the heat's previous import>`: a retry after a lost answer finds the same key,
//   and a file that returns to earlier content after another one (the judges changed their minds back)
//   is applied again instead of being taken for a duplicate;
// - the same bytes cannot go into two heats.
import { createHash } from 'node:crypto';
import type { Sql } from '../db/client.js';
import { heatLaneEntries, heatResults, type LaneEntry, type StoredResult } from '../db/repos/results.js';
import {
  eventNameByNumber, heatsOfEventNumber, importElsewhere, lastImportOfHeat, lynxHeat, recordImport, type LynxHeat,
} from '../db/repos/lynx.js';
import { AppError, notFound } from '../errors.js';
import { ResultInput, ResultSubmit } from '../../shared/schemas/results.js';
import { roundWind } from '../../shared/time.js';
import type { ResultsService, WriteActor } from '../results/ingest.js';
import { LifError, parseLif, type LifFile } from './lif.js';
import { raceName, ROUND_NUMBER } from './numbering.js';
import type { LifImportReply } from '../../shared/schemas/lynx.js';

export const lifHash = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** The key a client (the bridge) sends with a file: derived from its bytes alone. */
export const lifKey = (bytes: Uint8Array) => `lif-${lifHash(bytes)}`;

export type LifTarget = { heatId: number } | { meetId: number };

const lifRefused = (code: string, message: string, field?: string) => new AppError(400, code, message, field);

/**
 * The results of a parsed file as ingest input, matched to the heat's start list by competitor ID (the
 * bib). Places from the file become judgedPlace (the photo-finish decision). A DQ without a rule in the
 * file gets the status text as its rule (`DQ`, `DSQ`, `FS`: the schema needs one), unless the heat
 * already holds a DQ with a rule for that athlete (the referee's entry is kept). Pure.
 */
export function lifResults(lif: LifFile, lanes: readonly LaneEntry[], existing: readonly StoredResult[], race: string): ResultSubmit['results'] {
  const byBib = new Map(lanes.map((l) => [l.bib.toUpperCase(), l]));
  const stored = new Map(existing.map((r) => [r.entryId, r]));
  const unknown = lif.rows.filter((r) => !byBib.has(r.id.toUpperCase()));
  if (unknown.length) {
    const list = unknown.map((r) => `${r.id} (line ${r.line}${r.lastName ? `, ${r.lastName}` : ''})`).join(', ');
    throw lifRefused('unknown_competitor', `competitor ID${unknown.length > 1 ? 's' : ''} not in the start list of ${race}: ${list}; nothing was imported`);
  }
  const seen = new Map<string, number>();
  return lif.rows.map((r) => {
    const lane = byBib.get(r.id.toUpperCase())!;
    const twice = seen.get(lane.bib);
    if (twice) throw lifRefused('invalid_lif', `line ${r.line}: competitor ${r.id} already has a result on line ${twice}`);
    seen.set(lane.bib, r.line);
    const old = stored.get(lane.entryId);
    const dqRule = r.status !== 'DQ' ? null : (r.dqRule ?? (old?.status === 'DQ' && old.dqRule ? old.dqRule : (r.statusText ?? 'DQ').toUpperCase()));
    const input = {
      entryId: lane.entryId,
      status: r.status,
      timeMs: r.status === 'OK' ? r.timeMs : null,
      dqRule,
      reactionMs: r.reactionMs,
      judgedPlace: r.status === 'OK' ? r.place : null,
    };
    const checked = ResultInput.safeParse(input);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw lifRefused('invalid_lif', `line ${r.line}: ${issue.path.join('.') || 'result'}: ${issue.message}`);
    }
    return checked.data;
  });
}

function parseOrRefuse(bytes: Uint8Array): LifFile {
  try {
    return parseLif(bytes);
  } catch (err) {
    if (err instanceof LifError) throw lifRefused('invalid_lif', `not a readable .lif file: ${err.message}`);
    throw err;
  }
}

const describe = (h: LynxHeat) => `${raceName(h.eventNumber, ROUND_NUMBER[h.round], h.heatNumber)} (${h.eventName}, ${h.round} ${h.heatNumber})`;

/** The heat a file's header names, in a meet. */
async function heatByNumbers(sql: Sql, meetId: number, lif: LifFile): Promise<LynxHeat> {
  const { eventNumber, round, heat } = lif.header;
  const heats = await heatsOfEventNumber(sql, meetId, eventNumber);
  const found = heats.find((h) => ROUND_NUMBER[h.round] === round && h.heatNumber === heat);
  if (found) return found;
  const name = await eventNameByNumber(sql, meetId, eventNumber);
  if (name === undefined) throw new AppError(404, 'unknown_race', `this meet has no event number ${eventNumber} (the file is for ${raceName(eventNumber, round, heat)})`);
  const known = heats.map((h) => `round ${ROUND_NUMBER[h.round]} heat ${h.heatNumber}`).join(', ') || 'no heats yet';
  throw new AppError(404, 'unknown_race', `event ${eventNumber} (${name}) has no round ${round} heat ${heat}; it has ${known} (rounds: heat 1, semi 2, final 3)`);
}

export async function importLif(
  s: { sql: Sql; results: ResultsService },
  actor: WriteActor,
  bytes: Uint8Array,
  target: LifTarget,
  opts: { fileName?: string | null; idempotencyKey?: string } = {},
): Promise<LifImportReply> {
  const hash = lifHash(bytes);
  if (opts.idempotencyKey !== undefined && opts.idempotencyKey !== `lif-${hash}`) {
    throw lifRefused('invalid_input', 'Idempotency-Key must be lif-<sha256 of the body> for a .lif upload: the body does not match it (a truncated upload?)', 'idempotency-key');
  }
  const lif = parseOrRefuse(bytes);
  const { eventNumber, round, heat: heatNo } = lif.header;
  let heat: LynxHeat;
  if ('heatId' in target) {
    const h = await lynxHeat(s.sql, target.heatId);
    if (!h) throw notFound('heat');
    if (h.eventNumber !== eventNumber || ROUND_NUMBER[h.round] !== round || h.heatNumber !== heatNo) {
      throw lifRefused('lif_mismatch', `the file is for ${raceName(eventNumber, round, heatNo)}${lif.header.name ? ` (${lif.header.name})` : ''}, but heat ${h.heatId} is ${describe(h)}; nothing was imported`, 'header');
    }
    heat = h;
  } else {
    heat = await heatByNumbers(s.sql, target.meetId, lif);
    if (heat.meetId !== target.meetId) throw notFound('heat');
  }

  const reply = (version: number, replay: boolean, results: number): LifImportReply => ({
    heatId: heat.heatId, version, replay, results, pending: lif.pending.length, eventNumber, round, heat: heatNo, encoding: lif.encoding,
  });
  const other = await importElsewhere(s.sql, hash, heat.heatId);
  if (other) throw new AppError(409, 'lif_other_heat', `this very file was already imported into heat ${other.heatId}; a file belongs to one race`);
  const last = await lastImportOfHeat(s.sql, heat.heatId);
  if (last?.contentHash === hash) return reply(last.heatVersion, true, last.resultCount);

  if (lif.rows.length === 0) {
    throw lifRefused('lif_empty', `no result in the file yet (${lif.pending.length} competitor${lif.pending.length === 1 ? '' : 's'} without a place, time or status); nothing was imported`);
  }
  const [lanes, existing] = await Promise.all([heatLaneEntries(s.sql, heat.heatId), heatResults(s.sql, heat.heatId)]);
  const results = lifResults(lif, lanes, existing, describe(heat));
  const idempotencyKey = last ? `lif-${hash}-${last.id}` : `lif-${hash}`;
  const windMps = heat.windMeasured && lif.header.windMps !== null ? roundWind(lif.header.windMps) : undefined;
  const submit = ResultSubmit.safeParse({ idempotencyKey, heatId: heat.heatId, results, ...(windMps !== undefined ? { windMps } : {}) });
  if (!submit.success) {
    const issue = submit.error.issues[0]!;
    throw lifRefused('invalid_lif', `${issue.path[0] === 'windMps' ? `wind ${lif.header.windMps}` : issue.path.join('.')}: ${issue.message}`);
  }
  const ack = await s.results.submitResults(actor, submit.data, 'lynx');
  // After the commit: if the process dies here, the retry finds the same key (nothing recorded yet) and
  // the ingest replays its answer, and this record is written then.
  await recordImport(s.sql, {
    heatId: heat.heatId, contentHash: hash, idempotencyKey, fileName: opts.fileName ?? null, heatVersion: ack.version,
    resultCount: results.length, userId: actor.userId,
  });
  return reply(ack.version, false, results.length);
}
