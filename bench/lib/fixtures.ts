// Bulk start lists for the write benchmarks: tens of thousands of lanes in a few set-based
// statements (test/helpers/fixtures.ts inserts row by row, which suits tests, not 50,000 lanes).
import { randomBytes } from 'node:crypto';
import type { Sql } from '../../server/db/client.js';

export interface Lane {
  heatId: number;
  entryId: number;
  lane: number;
}

/**
 * One meet; `heats` heats of 8 lanes, 8 heats per event. Lanes come back heat by heat, lane by lane.
 * The tables are analyzed afterwards, as autovacuum would have done on a real database: without
 * statistics, PostgreSQL plans the hub's per-heat queries as scans of the whole tables.
 */
export async function createLanes(sql: Sql, heats: number): Promise<{ meetId: number; lanes: Lane[] }> {
  const made = await insertLanes(sql, heats);
  await sql`ANALYZE`;
  return made;
}

async function insertLanes(sql: Sql, heats: number): Promise<{ meetId: number; lanes: Lane[] }> {
  const tag = randomBytes(3).toString('hex');
  const perEvent = 8;
  const events = Math.ceil(heats / perEvent);
  const n = heats * 8;
  return sql.begin(async (tx) => {
    const [meet] = await tx<[{ id: number }]>`
      INSERT INTO meets (name, start_date, end_date, status) VALUES (${`Bench ${tag}`}, '2026-12-04', '2026-12-05', 'live') RETURNING id`;
    await tx`
      INSERT INTO events (meet_id, event_number, discipline, name, gender, kind, distance_m, wind_measured)
      SELECT ${meet.id}, e, '100m', 'Men 100m bench ' || e, 'M', 'track', 100, true FROM generate_series(1, ${events}::int) e`;
    await tx`
      INSERT INTO heats (event_id, round, number)
      SELECT ev.id, 'heat', h.n FROM events ev CROSS JOIN generate_series(1, ${perEvent}::int) h(n)
      WHERE ev.meet_id = ${meet.id} AND (ev.event_number - 1) * ${perEvent} + h.n <= ${heats}`;
    await tx`
      INSERT INTO athletes (first_name, last_name, country, gender)
      SELECT 'Bench', ${`R${tag}x`} || i, (ARRAY['KEN','JAM','USA','GBR','ETH','NGR','JPN','ITA'])[1 + i % 8], 'M'
      FROM generate_series(1, ${n}::int) i`;
    await tx`
      CREATE TEMP TABLE bench_map ON COMMIT DROP AS
      SELECT substring(a.last_name FROM ${`R${tag}x`.length + 1}::int)::int AS i, a.id AS athlete_id FROM athletes a
      WHERE a.last_name LIKE ${`R${tag}x%`}`;
    await tx`
      INSERT INTO meet_athletes (meet_id, athlete_id, bib) SELECT ${meet.id}, athlete_id, 'B' || i FROM bench_map`;
    await tx`
      INSERT INTO entries (event_id, meet_id, athlete_id, status)
      SELECT ev.id, ${meet.id}, m.athlete_id, 'confirmed' FROM bench_map m
      JOIN events ev ON ev.meet_id = ${meet.id} AND ev.event_number = (m.i - 1) / 64 + 1`;
    await tx`
      INSERT INTO heat_lanes (heat_id, event_id, round, entry_id, lane)
      SELECT h.id, h.event_id, 'heat', en.id, (m.i - 1) % 8 + 1 FROM bench_map m
      JOIN events ev ON ev.meet_id = ${meet.id} AND ev.event_number = (m.i - 1) / 64 + 1
      JOIN heats h ON h.event_id = ev.id AND h.number = (m.i - 1) / 8 % 8 + 1
      JOIN entries en ON en.event_id = ev.id AND en.athlete_id = m.athlete_id`;
    const lanes = await tx<Lane[]>`
      SELECT hl.heat_id AS "heatId", hl.entry_id AS "entryId", hl.lane FROM bench_map m
      JOIN entries en ON en.athlete_id = m.athlete_id JOIN heat_lanes hl ON hl.entry_id = en.id
      ORDER BY m.i`;
    return { meetId: meet.id, lanes };
  });
}

/** Splits lanes (heat by heat) among `c` writers: writer k takes heats k, k + c, k + 2c, ... */
export function lanesPerWriter(lanes: Lane[], c: number): Lane[][] {
  const out: Lane[][] = Array.from({ length: c }, () => []);
  const heatOrder = new Map<number, number>();
  for (const l of lanes) {
    if (!heatOrder.has(l.heatId)) heatOrder.set(l.heatId, heatOrder.size);
    out[heatOrder.get(l.heatId)! % c]!.push(l);
  }
  return out;
}
