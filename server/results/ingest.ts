// The one ingest path. Console sockets, REST clients and the timing bridge all call these two
// functions: validate -> authorize -> one transaction (results, revisions, places, audit,
// idempotency record) -> commit -> acknowledge; publishing (leaderboards, broadcast) follows.
import { createHash } from 'node:crypto';
import { pipelinedTransaction, type Sql, type Tx } from '../db/client.js';
import { claimKey, storeResponse } from '../db/repos/idempotency.js';
import { recordAudit, type Actor } from '../db/repos/audit.js';
import {
  bumpHeat, correctResult, heatLaneEntries, heatResults, insertResult, lockHeat, roundHeatIds, roundRule,
  heatPlaces, storePlaces, storePoints, storeQualification, type HeatContext, type ResultWrite, type StoredResult,
} from '../db/repos/results.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors.js';
import { can, type Role } from '../../shared/permissions.js';
import { rankHeat } from '../../shared/ranking.js';
import { qualify } from '../../shared/qualification.js';
import { placePoints } from '../../shared/team-points.js';
import { seededRng } from '../../shared/seeding.js';
import type { HeatSnapshot, HeatStatusSubmit, ResultSubmit } from '../../shared/schemas/results.js';
import { loadSnapshot } from './snapshot.js';
import type { HeatStatus } from '../../shared/schemas/meets.js';

export type ResultSource = 'console' | 'rest' | 'lynx' | 'import';
export type WriteActor = Actor & { role: Role };
export interface WriteAck {
  version: number;
}

/** Told after every commit which heats changed. It resolves once cached reads of those heats are
 *  invalidated (so the writer reads its own write); leaderboards and broadcasts follow. */
export interface ChangePublisher {
  /** snapshots: those of the changed heats as committed, when the writer read them in its transaction. */
  heatsChanged(heatIds: number[], opts?: { standingsMeetId?: number; snapshots?: HeatSnapshot[] }): Promise<void>;
}

/** What a write hands back from its transaction: the answer, the heats it changed and, where the
 *  write read them, their snapshots as committed. */
interface WriteOutcome {
  ack: WriteAck;
  heatIds: number[];
  snapshots?: HeatSnapshot[];
}

const STATUS_ORDER: Record<HeatStatus, number> = { scheduled: 0, started: 1, finished: 2, official: 3 };
const ROUND_SEED = { heat: 1, semi: 2, final: 3 } as const;

function requestHash(kind: string, body: unknown): string {
  return createHash('sha256').update(kind).update(JSON.stringify(body)).digest('hex');
}

const sameResult = (old: StoredResult, w: ResultWrite) =>
  old.timeMs === w.timeMs && old.status === w.status && old.dqRule === w.dqRule && old.reactionMs === w.reactionMs &&
  old.judgedPlace === w.judgedPlace && old.windMps === w.windMps;

export class ResultsService {
  constructor(
    private readonly sql: Sql,
    private readonly publisher: ChangePublisher,
  ) {}

  async submitResults(actor: WriteActor, input: ResultSubmit, source: ResultSource): Promise<WriteAck> {
    if (!can(actor.role, 'results:write')) throw forbidden('your role may not enter results');
    const { idempotencyKey, ...body } = input;
    // Two round trips inside the transaction, each a pipeline of statements sent together on the
    // transaction's connection (they run in the order written): the reads, then every write.
    const read = (tx: Tx) => Promise.all([lockHeat(tx, input.heatId), heatLaneEntries(tx, input.heatId), heatResults(tx, input.heatId)]);
    const outcome = await this.idempotent(actor, idempotencyKey, requestHash('results', body), read, async (tx, [locked, lanes, stored], respond) => {
      const heat = writable(locked);
      const byId = new Map(lanes.map((l) => [l.entryId, l]));
      const byBib = new Map(lanes.map((l) => [l.bib.toUpperCase(), l]));
      const existing = new Map(stored.map((r) => [r.entryId, r]));
      const windMps = input.windMps !== undefined ? input.windMps : heat.windMps;
      const seen = new Set<number>();
      const changes: { entryId: number; from?: StoredResult; to: ResultWrite }[] = [];
      for (const [i, r] of input.results.entries()) {
        const lane = r.entryId != null ? byId.get(r.entryId) : byBib.get(r.bib!.toUpperCase());
        if (!lane) {
          const field = r.entryId != null ? `results.${i}.entryId` : `results.${i}.bib`;
          throw badRequest(`${r.entryId != null ? `entry ${r.entryId}` : `bib ${r.bib}`} is not in this heat`, field);
        }
        if (r.entryId != null && r.bib != null && lane.bib.toUpperCase() !== r.bib.toUpperCase()) {
          throw badRequest(`entry ${r.entryId} wears bib ${lane.bib}, not ${r.bib}`, `results.${i}.bib`);
        }
        if (seen.has(lane.entryId)) throw badRequest(`entry ${lane.entryId} appears twice in one submission`, `results.${i}`);
        seen.add(lane.entryId);
        const write: ResultWrite = {
          entryId: lane.entryId, timeMs: r.timeMs ?? null, status: r.status, dqRule: r.dqRule ?? null,
          reactionMs: r.reactionMs ?? null, judgedPlace: r.judgedPlace ?? null,
          windMps: heat.windMeasured ? (windMps ?? null) : null, source, enteredBy: actor.userId,
        };
        const old = existing.get(lane.entryId);
        if (!old) changes.push({ entryId: lane.entryId, to: write });
        else if (!sameResult(old, write)) changes.push({ entryId: lane.entryId, from: old, to: write });
      }
      // The heat row is locked: the version bumpHeat returns is known now, and so is every place
      // (the heat's results as this submission leaves them, ranked by the shared rules).
      const ack = { version: heat.version + 1 };
      const after = new Map<number, Pick<StoredResult, 'entryId' | 'timeMs' | 'status' | 'judgedPlace' | 'reactionMs'>>(existing);
      for (const c of changes) after.set(c.entryId, c.to);
      const laneOf = new Map(lanes.map((l) => [l.entryId, l.lane]));
      const [, , version, , , snapshot] = await Promise.all([
        Promise.all(changes.map((c) => (c.from ? correctResult(tx, c.from, c.to) : insertResult(tx, heat.id, c.to)))),
        storePlaces(tx, heat.id, placesOf(heat, [...after.values()], laneOf)),
        bumpHeat(tx, heat.id, input.windMps !== undefined ? { windMps: input.windMps } : {}),
        recordAudit(tx, actor, {
          action: changes.some((c) => c.from) ? 'results.correct' : 'results.submit',
          entityType: 'heat',
          entityId: heat.id,
          details: {
            source, idempotencyKey, windMps: input.windMps,
            changes: changes.map((c) => ({ entryId: c.entryId, before: c.from ? pickResult(c.from) : null, after: pickResult(c.to) })),
          },
        }),
        respond(ack),
        // What viewers will see, read in the transaction: published as soon as it commits.
        loadSnapshot(tx, heat.id),
      ]);
      if (version !== ack.version) throw new Error(`heat ${heat.id} is at version ${version}, expected ${ack.version}`);
      return { ack, heatIds: [heat.id], snapshots: snapshot ? [snapshot] : [] };
    });
    if (outcome.heatIds) await this.publisher.heatsChanged(outcome.heatIds, { snapshots: outcome.snapshots });
    else if (outcome.replayed?.[0]) await this.publisher.heatsChanged([input.heatId]);
    return outcome.ack;
  }

  async changeHeatStatus(actor: WriteActor, input: HeatStatusSubmit, source: ResultSource): Promise<WriteAck> {
    const needed = input.status === 'reopen' ? 'heats:reopen' : 'results:write';
    if (!can(actor.role, needed)) {
      throw forbidden(input.status === 'reopen' ? 'only a chief registrar or an admin may reopen an official heat' : 'your role may not change heats');
    }
    const { idempotencyKey, ...body } = input;
    let standingsMeetId: number | undefined;
    const outcome = await this.idempotent(actor, idempotencyKey, requestHash('status', body), (tx) => lockHeat(tx, input.heatId), async (tx, heat, respond) => {
      if (!heat) throw notFound('heat');
      const from = heat.status;
      let to: HeatStatus;
      if (input.status === 'reopen') {
        if (from !== 'official') throw conflict(`only an official heat can be reopened; this one is ${from}`, 'status');
        to = 'finished';
      } else {
        to = input.status;
        if (from === 'official') throw new AppError(409, 'heat_official', 'this heat is official: a chief registrar must reopen it first');
        if (STATUS_ORDER[to] < STATUS_ORDER[from]) throw conflict(`a ${from} heat cannot go back to ${to}`, 'status');
      }
      const startedAt = to === 'started' && from !== 'started' ? (input.startedAt ?? new Date().toISOString()) : undefined;
      const version = await bumpHeat(tx, heat.id, { status: to, ...(startedAt ? { startedAt } : {}) });
      let heatIds = [heat.id];
      if (to === 'official' || from === 'official') {
        heatIds = await this.officialConsequences(tx, { ...heat, status: to });
        if (heat.round === 'final') standingsMeetId = heat.meetId;
      }
      await recordAudit(tx, actor, {
        action: input.status === 'reopen' ? 'heat.reopen' : `heat.${to}`,
        entityType: 'heat', entityId: heat.id,
        details: { source, idempotencyKey, before: { status: from }, after: { status: to, ...(startedAt ? { startedAt } : {}) } },
      });
      await respond({ version });
      return { ack: { version }, heatIds };
    });
    if (outcome.heatIds) await this.publisher.heatsChanged(outcome.heatIds, standingsMeetId ? { standingsMeetId } : {});
    else if (outcome.replayed) await this.republishStatus(outcome.replayed);
    return outcome.ack;
  }

  /** A replayed status change: what the first answer's hub may have died before publishing (a superset). */
  private async republishStatus(heat: HeatContext): Promise<void> {
    if (heat.round === 'final') return this.publisher.heatsChanged([heat.id], { standingsMeetId: heat.meetId });
    await this.publisher.heatsChanged((await roundHeatIds(this.sql, heat.eventId, heat.round)).map((h) => h.id));
  }

  /**
   * Runs a write once per key: a replay with the same body returns the first answer; another body is a 409.
   * `read` goes out in one pipeline with BEGIN and the key's claim (no extra round trip; on a replay
   * it tells the caller what to publish again); `write` must store its answer with `respond` before
   * returning.
   */
  private async idempotent<R>(
    actor: WriteActor,
    key: string,
    hash: string,
    read: (tx: Tx) => Promise<R>,
    write: (tx: Tx, read: R, respond: (ack: WriteAck) => Promise<void>) => Promise<WriteOutcome>,
  ): Promise<Partial<WriteOutcome> & { ack: WriteAck; replayed?: R }> {
    return pipelinedTransaction(this.sql, async (tx): Promise<Partial<WriteOutcome> & { ack: WriteAck; replayed?: R }> => {
      const [claim, pre] = await Promise.all([claimKey<WriteAck>(tx, key, actor.userId, hash), read(tx)]);
      if (!claim.fresh) {
        if (claim.requestHash !== hash) throw conflict('this idempotency key was already used for a different request', 'idempotencyKey');
        // The process that gave the first answer may have died between its commit and its broadcast:
        // the caller publishes again (what was read is handed back for that).
        return { ack: claim.response, replayed: pre };
      }
      return write(tx, pre, (ack) => storeResponse(tx, key, ack));
    });
  }

  /**
   * A heat became official or was reopened: finals award team points, earlier rounds mark their
   * qualifiers (Q per heat once official; q across heats once every heat is official).
   * Returns every heat whose snapshot changed.
   */
  private async officialConsequences(tx: Tx, heat: HeatContext): Promise<number[]> {
    if (heat.round === 'final') {
      const results = await heatResults(tx, heat.id);
      const places = await heatPlaces(tx, heat.id);
      const points = heat.status === 'official' ? placePoints(places, heat.pointsScheme) : new Map<number, number>();
      await storePoints(tx, heat.id, results.map((r) => ({ entryId: r.entryId, points: points.get(r.entryId) ?? null })));
      return [heat.id];
    }
    const rule = await roundRule(tx, heat.eventId, heat.round);
    const heats = await roundHeatIds(tx, heat.eventId, heat.round);
    const ids = heats.map((h) => h.id);
    if (!rule) return [heat.id];
    const official = heats.filter((h) => h.status === 'official');
    const allOfficial = official.length === heats.length;
    const input = await Promise.all(official.map(async (h) => ({ heatId: h.id, rows: await heatPlaces(tx, h.id) })));
    const marks = official.length ? qualify(
          input,
          { byPlace: rule.byPlace, byTime: allOfficial ? rule.byTime : 0, ...(rule.capacity ? { lanes: rule.capacity } : {}) },
          // A draw by lot (qD) must not change when the marks are recomputed: seed it by the round.
          seededRng(heat.eventId * 10 + ROUND_SEED[heat.round]),
        ) : new Map<number, string>();
    await storeQualification(tx, ids, marks);
    return ids;
  }
}

function writable(heat: HeatContext | undefined): HeatContext {
  if (!heat) throw notFound('heat');
  if (heat.status === 'official') throw new AppError(409, 'heat_official', 'this heat is official: a chief registrar must reopen it first');
  return heat;
}

/** The place of every result in the heat, by the shared ranking rules. */
function placesOf(heat: HeatContext, results: Pick<StoredResult, 'entryId' | 'timeMs' | 'status' | 'judgedPlace' | 'reactionMs'>[], laneOf: Map<number, number>) {
  const ranked = rankHeat(results.map((r) => ({ ...r, lane: laneOf.get(r.entryId) ?? 0 })), { windMps: heat.windMps, windMeasured: heat.windMeasured });
  return ranked.map((r) => ({ entryId: r.entryId, place: r.place }));
}

function pickResult(r: { timeMs: number | null; status: string; dqRule: string | null; reactionMs: number | null; windMps: number | null }) {
  return { timeMs: r.timeMs, status: r.status, dqRule: r.dqRule, reactionMs: r.reactionMs, windMps: r.windMps };
}
