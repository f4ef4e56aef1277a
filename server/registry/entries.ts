// Entering athletes in events, with the bib rule: one bib per athlete per meet, unique in the meet.
// The first entry of an athlete in a meet gives them their bib; later entries must name the same bib.
import type { Tx } from '../db/client.js';
import type { Entry, EntryCreate, EntryPatch } from '../../shared/schemas/entries.js';
import type { Event } from '../../shared/schemas/meets.js';
import { recordAudit, type Actor } from '../db/repos/audit.js';
import { getAthlete } from '../db/repos/athletes.js';
import { getEvent } from '../db/repos/events.js';
import {
  bibHolder, claimMeetBib, getEntry, getMeetBib, heatsOfEntry, insertEntry, placesOfAthlete, setMeetBib, updateEntry,
} from '../db/repos/entries.js';
import { AppError, conflict, notFound } from '../errors.js';

async function refuseTakenBib(tx: Tx, meetId: number, athleteId: number, bib: string): Promise<void> {
  const holder = await bibHolder(tx, meetId, bib);
  if (holder && holder.athleteId !== athleteId) {
    throw conflict(`bib ${bib} is already worn by ${holder.firstName} ${holder.lastName} (athlete ${holder.athleteId}) in this meet`, 'bib');
  }
}

/** Refuses one more live (not scratched) entry in a full event. Locks the event row so that two
 *  registrars cannot both take the last place. */
async function refuseFullEvent(tx: Tx, eventId: number): Promise<void> {
  const event = await getEvent(tx, eventId, { forUpdate: true });
  if (event?.maxParticipants == null) return;
  const [{ n }] = await tx<[{ n: number }]>`SELECT count(*)::int AS n FROM entries WHERE event_id = ${eventId} AND status <> 'scratched'`;
  if (n >= event.maxParticipants) throw conflict(`the event is full (${event.maxParticipants} participants)`);
}

export async function createEntry(
  tx: Tx,
  actor: Actor,
  event: Pick<Event, 'id' | 'meetId'>,
  input: EntryCreate,
  audit: Record<string, unknown> = {},
): Promise<Entry> {
  const athlete = await getAthlete(tx, input.athleteId);
  if (!athlete) throw new AppError(404, 'not_found', `athlete ${input.athleteId} not found`, 'athleteId');
  if (input.status !== 'scratched') await refuseFullEvent(tx, event.id);
  const current = await getMeetBib(tx, event.meetId, input.athleteId);
  if (current !== undefined && current !== input.bib) {
    throw conflict(`this athlete already wears bib ${current} in this meet: enter them with it, or change it with PATCH /api/entries/:id`, 'bib');
  }
  if (current === undefined) {
    await refuseTakenBib(tx, event.meetId, input.athleteId, input.bib);
    // A concurrent first entry may have given the athlete another bib meanwhile.
    const worn = await claimMeetBib(tx, event.meetId, input.athleteId, input.bib);
    if (worn !== input.bib) throw conflict(`this athlete already wears bib ${worn} in this meet`, 'bib');
  }
  const id = await insertEntry(tx, {
    eventId: event.id, meetId: event.meetId, athleteId: input.athleteId, seedMark: input.seedMark ?? null, status: input.status,
  });
  const entry = (await getEntry(tx, id))!;
  await recordAudit(tx, actor, { action: 'entry.create', entityType: 'entry', entityId: id, details: { after: entry, ...audit } });
  return entry;
}

/** Updates an entry; a new bib changes the athlete's bib for the whole meet. Returns the events and heats it shows in. */
export async function patchEntry(
  tx: Tx,
  actor: Actor,
  id: number,
  patch: EntryPatch,
): Promise<{ entry: Entry; eventIds: number[]; heatIds: number[] }> {
  const before = await getEntry(tx, id, { forUpdate: true });
  if (!before) throw notFound('entry');
  const eventIds = new Set([before.eventId]);
  const heatIds = new Set(await heatsOfEntry(tx, id));
  if (before.status === 'scratched' && patch.status !== undefined && patch.status !== 'scratched') await refuseFullEvent(tx, before.eventId);
  if (patch.bib !== undefined && patch.bib !== before.bib) {
    await refuseTakenBib(tx, before.meetId, before.athleteId, patch.bib);
    await setMeetBib(tx, before.meetId, before.athleteId, patch.bib);
    for (const p of await placesOfAthlete(tx, before.athleteId, before.meetId)) {
      eventIds.add(p.eventId);
      if (p.heatId) heatIds.add(p.heatId);
    }
  }
  await updateEntry(tx, id, { status: patch.status, seedMark: patch.seedMark, checkedIn: patch.checkedIn });
  const after = (await getEntry(tx, id))!;
  await recordAudit(tx, actor, { action: 'entry.update', entityType: 'entry', entityId: id, details: { before, after } });
  return { entry: after, eventIds: [...eventIds], heatIds: [...heatIds] };
}
