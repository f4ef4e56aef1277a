// Meets, events, athletes, entries and heats written straight to the database, for tests of the
// live path that need a ready start list (the registrar routes have their own tests).
import type { Sql } from '../../server/db/client.js';

export interface HeatFixture {
  meetId: number;
  eventId: number;
  heatIds: number[];
  /** Per heat, its lanes: entry id, bib, athlete id, country. */
  lanes: { heatId: number; entryId: number; bib: string; athleteId: number; lane: number; country: string }[][];
}

let counter = 0;

export async function createHeats(
  sql: Sql,
  opts: { heats?: number; lanes?: number; round?: 'heat' | 'semi' | 'final'; discipline?: string; windMeasured?: boolean; distanceM?: number; kind?: 'track' | 'road'; handTimed?: boolean; names?: string[]; meetId?: number; pointsScheme?: number[] } = {},
): Promise<HeatFixture> {
  const n = ++counter;
  const heats = opts.heats ?? 1;
  const laneCount = opts.lanes ?? 8;
  const round = opts.round ?? 'final';
  return sql.begin(async (tx) => {
    const meetId = opts.meetId ?? (await tx<[{ id: number }]>`
      INSERT INTO meets (name, start_date, end_date, status, points_scheme)
      VALUES (${`Fixture Meet ${n}`}, '2026-12-04', '2026-12-05', 'live', ${opts.pointsScheme ?? [10, 8, 6, 5, 4, 3, 2, 1]}) RETURNING id`)[0].id;
    const [{ next }] = await tx<[{ next: number }]>`SELECT coalesce(max(event_number), 0) + 1 AS next FROM events WHERE meet_id = ${meetId}`;
    const [ev] = await tx<[{ id: number }]>`
      INSERT INTO events (meet_id, event_number, discipline, name, gender, kind, distance_m, wind_measured, hand_timed)
      VALUES (${meetId}, ${next}, ${opts.discipline ?? '100m'}, ${`Men ${opts.discipline ?? '100m'} #${n}`}, 'M', ${opts.kind ?? 'track'},
              ${opts.distanceM ?? 100}, ${opts.windMeasured ?? true}, ${opts.handTimed ?? false}) RETURNING id`;
    const heatIds: number[] = [];
    const lanes: HeatFixture['lanes'] = [];
    const countries = ['KEN', 'JAM', 'USA', 'GBR', 'ETH', 'NGR', 'JPN', 'ITA', 'FRA', 'GER', 'ESP', 'BRA'];
    for (let h = 1; h <= heats; h++) {
      const [heat] = await tx<[{ id: number }]>`INSERT INTO heats (event_id, round, number) VALUES (${ev.id}, ${round}, ${h}) RETURNING id`;
      heatIds.push(heat.id);
      const rows: HeatFixture['lanes'][number] = [];
      for (let l = 1; l <= laneCount; l++) {
        const i = (h - 1) * laneCount + l;
        const country = countries[(i + n) % countries.length]!;
        const last = opts.names?.[i - 1] ?? `Runner${n}x${i}`;
        const [a] = await tx<[{ id: number }]>`
          INSERT INTO athletes (first_name, last_name, country, gender) VALUES ('Test', ${last}, ${country}, 'M') RETURNING id`;
        const bib = `${n}${String(i).padStart(3, '0')}`.slice(-8);
        await tx`INSERT INTO meet_athletes (meet_id, athlete_id, bib) VALUES (${meetId}, ${a.id}, ${bib})`;
        const [en] = await tx<[{ id: number }]>`
          INSERT INTO entries (event_id, meet_id, athlete_id, status) VALUES (${ev.id}, ${meetId}, ${a.id}, 'confirmed') RETURNING id`;
        await tx`INSERT INTO heat_lanes (heat_id, event_id, round, entry_id, lane) VALUES (${heat.id}, ${ev.id}, ${round}, ${en.id}, ${l})`;
        rows.push({ heatId: heat.id, entryId: en.id, bib, athleteId: a.id, lane: l, country });
      }
      lanes.push(rows);
    }
    return { meetId, eventId: ev.id, heatIds, lanes };
  });
}
