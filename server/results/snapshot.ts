// A heat as viewers see it: ranked by the sport's rules (shared/ranking.ts), times in official form.
import type { Sql, Tx } from '../db/client.js';
import { snapshotSource, type HeatContext, type SnapshotSource } from '../db/repos/results.js';
import { rankHeat } from '../../shared/ranking.js';
import { officialTime } from '../../shared/time.js';
import type { HeatSnapshot, ResultFlag, SnapshotRow } from '../../shared/schemas/results.js';

export function toSnapshot(heat: HeatContext, source: SnapshotSource[]): HeatSnapshot {
  const ranked = rankHeat(source, { windMps: heat.windMps, windMeasured: heat.windMeasured });
  const rows: SnapshotRow[] = ranked.map((r) => ({
    place: r.place,
    entryId: r.entryId,
    athleteId: r.athleteId,
    bib: r.bib,
    name: `${r.firstName} ${r.lastName}`,
    country: r.country,
    club: r.club,
    lane: r.lane,
    timeMs: r.timeMs,
    time: r.timeMs == null ? null : officialTime(r.timeMs, heat),
    status: r.status,
    dqRule: r.dqRule,
    reactionMs: r.reactionMs,
    checkedIn: r.checkedIn,
    revision: r.revision ?? 0,
    flags: r.qualification ? [...r.flags, r.qualification as ResultFlag] : r.flags,
  }));
  return {
    heatId: heat.id,
    eventId: heat.eventId,
    eventName: heat.eventName,
    discipline: heat.discipline,
    meetId: heat.meetId,
    round: heat.round,
    heatNumber: heat.number,
    status: heat.status,
    windMps: heat.windMps,
    startedAt: heat.startedAt,
    version: heat.version,
    rows,
  };
}

export async function loadSnapshot(sql: Sql | Tx, heatId: number): Promise<HeatSnapshot | undefined> {
  const src = await snapshotSource(sql, heatId);
  return src && toSnapshot(src.heat, src.rows);
}
