// Results of an event or a whole meet for export (CSV, JSON, printable HTML): every heat's snapshot,
// ranked by the shared rules exactly as the live views show it, with names split for spreadsheets.
import { z } from 'zod';
import type { Sql } from '../db/client.js';
import { getEvent, listEventsOfMeet } from '../db/repos/events.js';
import { getMeet } from '../db/repos/meets.js';
import { eventHeatIds, snapshotSource } from '../db/repos/results.js';
import { toSnapshot } from '../results/snapshot.js';
import { HeatSnapshot, SnapshotRow } from '../../shared/schemas/results.js';
import { Event, Meet } from '../../shared/schemas/meets.js';

export const ExportRow = SnapshotRow.extend({ firstName: z.string(), lastName: z.string() });
export const ExportHeat = HeatSnapshot.extend({ rows: z.array(ExportRow) });
export const ExportMeet = Meet.pick({ id: true, name: true, venue: true, startDate: true, endDate: true, status: true });
export const ExportEvent = Event.pick({
  id: true, eventNumber: true, discipline: true, name: true, gender: true, ageGroup: true, kind: true, distanceM: true, windMeasured: true, handTimed: true, status: true,
});
export const EventResults = z.object({ meet: ExportMeet, event: ExportEvent, heats: z.array(ExportHeat) });
export const MeetResults = z.object({ meet: ExportMeet, events: z.array(z.object({ event: ExportEvent, heats: z.array(ExportHeat) })) });
export type ExportHeat = z.infer<typeof ExportHeat>;
export type EventResults = z.infer<typeof EventResults>;
export type MeetResults = z.infer<typeof MeetResults>;

async function heatsOfEvent(sql: Sql, eventId: number): Promise<ExportHeat[]> {
  const heats: ExportHeat[] = [];
  for (const heatId of await eventHeatIds(sql, eventId)) {
    const src = await snapshotSource(sql, heatId);
    if (!src) continue; // deleted meanwhile
    const names = new Map(src.rows.map((r) => [r.entryId, { firstName: r.firstName, lastName: r.lastName }]));
    const snap = toSnapshot(src.heat, src.rows);
    heats.push({ ...snap, rows: snap.rows.map((r) => ({ ...r, ...names.get(r.entryId)! })) });
  }
  return heats;
}

const pickMeet = (m: Meet) => ExportMeet.parse(m);
const pickEvent = (e: Event) => ExportEvent.parse(e);

export async function eventResults(sql: Sql, eventId: number): Promise<EventResults | undefined> {
  const event = await getEvent(sql, eventId);
  if (!event) return undefined;
  const meet = await getMeet(sql, event.meetId);
  if (!meet) return undefined;
  return { meet: pickMeet(meet), event: pickEvent(event), heats: await heatsOfEvent(sql, eventId) };
}

export async function meetResults(sql: Sql, meetId: number): Promise<MeetResults | undefined> {
  const meet = await getMeet(sql, meetId);
  if (!meet) return undefined;
  const events = [];
  for (const event of await listEventsOfMeet(sql, meetId)) events.push({ event: pickEvent(event), heats: await heatsOfEvent(sql, event.id) });
  return { meet: pickMeet(meet), events };
}
