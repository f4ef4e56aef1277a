// Making heats: explicit lane assignments, or seeded from the entries' seed marks (serpentine over the
// heats, lanes drawn in groups: shared/seeding.ts), and replacing a heat's lanes before it starts.
import type { Tx } from '../db/client.js';
import type { HeatsCreate, HeatWithLanes, LaneAssignment } from '../../shared/schemas/heats.js';
import type { Event, Round } from '../../shared/schemas/meets.js';
import { seedHeats, SeedingError, type Rng } from '../../shared/seeding.js';
import { recordAudit, type Actor } from '../db/repos/audit.js';
import { getEvent } from '../db/repos/events.js';
import { entriesForLanes, seedableEntries } from '../db/repos/entries.js';
import {
  bumpHeatVersion, countResultsOfHeat, deleteLanes, getHeat, insertHeat, insertLanes, lanesOfHeat, lastHeatNumber,
} from '../db/repos/heats.js';
import { badRequest, conflict, notFound } from '../errors.js';

const MAX_HEAT_NUMBER = 99;

async function heatWithLanes(tx: Tx, heatId: number): Promise<HeatWithLanes> {
  const heat = (await getHeat(tx, heatId))!;
  return { ...heat, lanes: await lanesOfHeat(tx, heatId) };
}

/** Entries placed in lanes must be live entries of this event, not already running in another heat of the round. */
async function checkLaneEntries(tx: Tx, eventId: number, round: Round, entryIds: number[], heatId: number | null): Promise<void> {
  const found = new Map((await entriesForLanes(tx, eventId, round, entryIds)).map((e) => [e.id, e]));
  for (const id of entryIds) {
    const e = found.get(id);
    if (!e) throw badRequest(`entry ${id} is not an entry of this event`, 'entryId');
    if (e.status === 'scratched') throw conflict(`entry ${id} is scratched: it cannot take a lane`, 'entryId');
    if (e.heatId !== null && e.heatId !== heatId) throw conflict(`entry ${id} already runs in heat ${e.heatId} of this round`, 'entryId');
  }
}

function seededLanes(event: Event, candidates: { entryId: number; seedMark: number | null }[], heatCount: number, laneCount: number, rng: Rng): LaneAssignment[][] {
  if (candidates.length === 0) throw conflict('no entries to seed: every entry is scratched or already in a heat of this round', 'heatCount');
  if (heatCount > candidates.length) throw conflict(`${candidates.length} entries cannot fill ${heatCount} heats`, 'heatCount');
  // Field events rank the longest mark first; seeding ranks the lowest first, so field marks are negated.
  const marks = event.kind === 'field' ? candidates.map((c) => ({ ...c, seedMark: c.seedMark === null ? null : -c.seedMark })) : candidates;
  try {
    return seedHeats(marks, heatCount, laneCount, rng);
  } catch (err) {
    if (err instanceof SeedingError) throw conflict(err.message, 'heatCount');
    throw err;
  }
}

export async function createHeats(tx: Tx, actor: Actor, eventId: number, body: HeatsCreate, rng: Rng = Math.random): Promise<{ event: Event; heats: HeatWithLanes[] }> {
  // The event row lock serialises heat numbering within the event.
  const event = await getEvent(tx, eventId, { forUpdate: true });
  if (!event) throw notFound('event');
  let plan: { scheduledAt: string | null; lanes: LaneAssignment[] }[];
  if (body.mode === 'explicit') {
    const all = body.heats.flatMap((h) => h.lanes.map((l) => l.entryId));
    if (new Set(all).size !== all.length) throw badRequest('an entry appears in two heats: an entry runs in one heat per round', 'heats');
    await checkLaneEntries(tx, event.id, body.round, all, null);
    plan = body.heats.map((h) => ({ scheduledAt: h.scheduledAt ?? null, lanes: h.lanes }));
  } else {
    const candidates = await seedableEntries(tx, event.id, body.round);
    plan = seededLanes(event, candidates, body.heatCount, body.lanes, rng).map((lanes) => ({ scheduledAt: body.scheduledAt ?? null, lanes }));
  }
  const last = await lastHeatNumber(tx, event.id, body.round);
  if (last + plan.length > MAX_HEAT_NUMBER) {
    throw conflict(`a round has at most ${MAX_HEAT_NUMBER} heats; this one has ${last} already`, body.mode === 'seeded' ? 'heatCount' : 'heats');
  }
  const heats: HeatWithLanes[] = [];
  for (const [i, h] of plan.entries()) {
    const id = await insertHeat(tx, { eventId: event.id, round: body.round, number: last + i + 1, scheduledAt: h.scheduledAt });
    await insertLanes(tx, { id, eventId: event.id, round: body.round }, h.lanes);
    const created = await heatWithLanes(tx, id);
    await recordAudit(tx, actor, { action: 'heat.create', entityType: 'heat', entityId: id, details: { mode: body.mode, after: created } });
    heats.push(created);
  }
  return { event, heats };
}

/** Replaces a heat's lanes: only while it is scheduled and has no result. */
export async function replaceLanes(tx: Tx, actor: Actor, heatId: number, lanes: LaneAssignment[]): Promise<HeatWithLanes> {
  const heat = await getHeat(tx, heatId, { forUpdate: true });
  if (!heat) throw notFound('heat');
  if (heat.status !== 'scheduled') throw conflict(`the heat is ${heat.status}: its lanes can no longer change`);
  if ((await countResultsOfHeat(tx, heatId)) > 0) throw conflict('the heat has results: its lanes can no longer change');
  await checkLaneEntries(tx, heat.eventId, heat.round, lanes.map((l) => l.entryId), heatId);
  const before = await lanesOfHeat(tx, heatId);
  await deleteLanes(tx, heatId);
  await insertLanes(tx, heat, lanes);
  await bumpHeatVersion(tx, heatId);
  const after = await heatWithLanes(tx, heatId);
  await recordAudit(tx, actor, { action: 'heat.lanes', entityType: 'heat', entityId: heatId, details: { before, after: after.lanes } });
  return after;
}
