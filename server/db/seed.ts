// The AthSys 2.1 demo set, made coherent: seven users (one per role), the six star athletes, three
// meets with nine events, and generated athletes so every track event has full 8-lane start lists.
// Demo mode only: main.ts refuses to call this in production.
import type { Sql, Tx } from './client.js';
import { hashPassword } from '../auth/passwords.js';
import { seedHeats, seededRng, type Rng } from '../../shared/seeding.js';
import type { Role } from '../../shared/permissions.js';

export const DEMO_USERS: { name: string; email: string; password: string; role: Role }[] = [
  { name: 'Admin User', email: 'admin@athsys.com', password: 'Admin@123', role: 'admin' },
  { name: 'Chief Registrar', email: 'chief@athsys.com', password: 'Chief@123', role: 'chief_registrar' },
  { name: 'Registrar', email: 'registrar@athsys.com', password: 'Registrar@123', role: 'registrar' },
  { name: 'Starter', email: 'starter@athsys.com', password: 'Starter@123', role: 'starter' },
  { name: 'John Mwangi', email: 'john@athsys.com', password: 'Athlete@123', role: 'athlete' },
  { name: 'Sarah Coach', email: 'sarah@athsys.com', password: 'Coach@123', role: 'coach' },
  { name: 'Viewer', email: 'viewer@athsys.com', password: 'Viewer@123', role: 'viewer' },
];

type Star = { first: string; last: string; country: string; gender: 'M' | 'F'; born: string; club: string };
const STARS: Star[] = [
  { first: 'Eliud', last: 'Kipchoge', country: 'KEN', gender: 'M', born: '1984-11-05', club: 'Kaptagat AC' },
  { first: 'Faith', last: 'Kipyegon', country: 'KEN', gender: 'F', born: '1994-01-10', club: 'Kaptagat AC' },
  { first: 'Usain', last: 'Bolt', country: 'JAM', gender: 'M', born: '1986-08-21', club: 'Racers TC' },
  { first: 'Shelly-Ann', last: 'Fraser-Pryce', country: 'JAM', gender: 'F', born: '1986-12-27', club: 'MVP TC' },
  { first: 'Joshua', last: 'Cheptegei', country: 'UGA', gender: 'M', born: '1996-09-12', club: 'Kapchorwa AC' },
  { first: 'Sydney', last: 'McLaughlin', country: 'USA', gender: 'F', born: '1999-08-07', club: 'Athletics Club' },
];

type EventPlan = {
  discipline: string; name: string; gender: 'M' | 'F'; kind: 'track' | 'road'; distanceM: number;
  wind: boolean; star?: string; /** typical winning time, ms */ par: number; heats: number; field: number;
};
const MEETS: { name: string; venue: string; start: string; days: number; status: 'open' | 'live'; events: EventPlan[] }[] = [
  {
    name: 'National Athletics Championship 2026', venue: 'Moi International Sports Centre, Nairobi', start: '2026-12-04', days: 2, status: 'live',
    events: [
      { discipline: '100m', name: 'Men 100m', gender: 'M', kind: 'track', distanceM: 100, wind: true, star: 'Bolt', par: 9_900, heats: 2, field: 16 },
      { discipline: '100m', name: 'Women 100m', gender: 'F', kind: 'track', distanceM: 100, wind: true, star: 'Fraser-Pryce', par: 10_850, heats: 2, field: 16 },
      { discipline: '10000m', name: 'Men 10000m', gender: 'M', kind: 'track', distanceM: 10_000, wind: false, star: 'Cheptegei', par: 1_620_000, heats: 1, field: 12 },
    ],
  },
  {
    name: 'Regional Track Meet 2026', venue: 'Kasarani Stadium, Nairobi', start: '2026-12-12', days: 1, status: 'open',
    events: [
      { discipline: '200m', name: 'Men 200m', gender: 'M', kind: 'track', distanceM: 200, wind: true, star: 'Bolt', par: 19_800, heats: 2, field: 16 },
      { discipline: '1500m', name: 'Women 1500m', gender: 'F', kind: 'track', distanceM: 1500, wind: false, star: 'Kipyegon', par: 233_000, heats: 1, field: 12 },
      { discipline: '400mH', name: 'Women 400m Hurdles', gender: 'F', kind: 'track', distanceM: 400, wind: false, star: 'McLaughlin', par: 51_500, heats: 2, field: 16 },
    ],
  },
  {
    name: 'International Invitational 2026', venue: 'National Stadium, Kingston', start: '2027-01-16', days: 1, status: 'open',
    events: [
      { discipline: 'Marathon', name: 'Men Marathon', gender: 'M', kind: 'road', distanceM: 42_195, wind: false, star: 'Kipchoge', par: 7_500_000, heats: 1, field: 20 },
      { discipline: '5000m', name: 'Men 5000m', gender: 'M', kind: 'track', distanceM: 5000, wind: false, star: 'Cheptegei', par: 770_000, heats: 1, field: 12 },
      { discipline: '5000m', name: 'Women 5000m', gender: 'F', kind: 'track', distanceM: 5000, wind: false, star: 'Kipyegon', par: 850_000, heats: 1, field: 12 },
    ],
  },
];

const FIRST = {
  M: ['Ólafur', 'Kwame', 'Luca', 'Mateo', 'Kenji', 'Tomás', 'Yohan', 'Noah', 'Amir', 'Pierre', 'Jonas', 'Diego', 'Samuel', 'Ivan', 'Omar', 'Ethan'],
  F: ['Nguyễn Thị', 'Amara', 'Sofia', 'Chiara', 'Yuki', 'Marta', 'Élodie', 'Hannah', 'Zara', 'Ingrid', 'Lucía', 'Ama', 'Leah', 'Freya', 'Nadia', 'Grace'],
};
const LAST = ["O'Neil", 'Mensah', 'Rossi', 'García', 'Tanaka', 'Silva', 'Blake', 'Müller', 'Haddad', 'Dubois', 'Jensen', 'López', 'Kiprop', 'Petrov', 'Farah', 'Smith', 'Kowalski', 'Okafor', 'Andersson', 'Nakamura'];
const COUNTRIES = ['KEN', 'JAM', 'USA', 'GBR', 'ETH', 'NGR', 'JPN', 'ITA', 'FRA', 'GER', 'ESP', 'BRA', 'CAN', 'NOR', 'POL', 'RSA', 'ISL', 'VIE'];

const pick = <T>(items: readonly T[], rng: Rng): T => items[Math.floor(rng() * items.length)]!;

/** Loads the demo set. With onlyIfEmpty, does nothing when any user exists. Returns counts, or null. */
export async function seedDemo(sql: Sql, opts: { bcryptCost: number; onlyIfEmpty: boolean }): Promise<Record<string, number | undefined> | null> {
  // Demo passwords predate the 10-character rule: they are hashed here directly, never via the API.
  const hashes = await Promise.all(DEMO_USERS.map((u) => hashPassword(u.password, Math.min(opts.bcryptCost, 10))));
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(7210)`;
    const [{ n }] = await tx<[{ n: number }]>`SELECT count(*)::int AS n FROM users`;
    if (opts.onlyIfEmpty && n > 0) return null;
    const rng = seededRng(2026);
    const userIds = new Map<string, number>();
    for (const [i, u] of DEMO_USERS.entries()) {
      const [row] = await tx<[{ id: number }]>`
        INSERT INTO users (name, email, password_hash, role) VALUES (${u.name}, ${u.email}, ${hashes[i]!}, ${u.role})
        ON CONFLICT (lower(email)) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role, status = 'active'
        RETURNING id`;
      userIds.set(u.email, row.id);
    }
    const coachId = userIds.get('sarah@athsys.com')!;
    // Seeding twice refreshes the demo users and leaves the demo meets as they are.
    const [loaded]: [{ id: number }?] = await tx`SELECT id FROM meets WHERE name = ${MEETS[0]!.name} LIMIT 1`;
    if (loaded) return { users: DEMO_USERS.length };

    const athleteIds = new Map<string, number>();
    for (const a of STARS) {
      const id = await insertAthlete(tx, { ...a, coachUserId: coachId, userId: null });
      athleteIds.set(a.last, id);
    }
    // John, the demo athlete account, is a real athlete too.
    const johnId = await insertAthlete(tx, { first: 'John', last: 'Mwangi', country: 'KEN', gender: 'M', born: '2001-03-14', club: 'Kaptagat AC', coachUserId: coachId, userId: userIds.get('john@athsys.com')! });

    const pool: Record<'M' | 'F', number[]> = { M: [johnId], F: [] };
    for (let i = 0; i < 40; i++) {
      for (const g of ['M', 'F'] as const) {
        const id = await insertAthlete(tx, {
          first: pick(FIRST[g], rng), last: pick(LAST, rng), country: pick(COUNTRIES, rng), gender: g,
          born: `${1990 + Math.floor(rng() * 15)}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)}`,
          club: `${pick(LAST, rng)} Athletics Club`, coachUserId: i % 5 === 0 ? coachId : null, userId: null,
        });
        pool[g].push(id);
      }
    }

    let events = 0, entries = 0, heats = 0;
    for (const m of MEETS) {
      const end = new Date(Date.parse(m.start) + (m.days - 1) * 86_400_000).toISOString().slice(0, 10);
      const [meet] = await tx<[{ id: number }]>`
        INSERT INTO meets (name, start_date, end_date, venue, status, registration_open, points_scheme)
        VALUES (${m.name}, ${m.start}, ${end}, ${m.venue}, ${m.status}, ${m.status === 'open'}, ${[10, 8, 6, 5, 4, 3, 2, 1]})
        RETURNING id`;
      const bibs = new Map<number, string>();
      const bibFor = async (athleteId: number) => {
        let bib = bibs.get(athleteId);
        if (!bib) {
          bib = String(100 + bibs.size);
          bibs.set(athleteId, bib);
          await tx`INSERT INTO meet_athletes (meet_id, athlete_id, bib) VALUES (${meet.id}, ${athleteId}, ${bib})`;
        }
        return bib;
      };
      for (const [ei, e] of m.events.entries()) {
        const at = `${m.start}T${String(10 + ei * 2).padStart(2, '0')}:00:00Z`;
        const [ev] = await tx<[{ id: number }]>`
          INSERT INTO events (meet_id, event_number, discipline, name, gender, kind, distance_m, wind_measured, scheduled_at)
          VALUES (${meet.id}, ${ei + 1}, ${e.discipline}, ${e.name}, ${e.gender}, ${e.kind}, ${e.distanceM}, ${e.wind}, ${at})
          RETURNING id`;
        events++;
        const star = e.star ? athleteIds.get(e.star)! : undefined;
        const others = pool[e.gender].filter((id) => id !== star).toSorted(() => rng() - 0.5);
        const field = [...(star ? [star] : []), ...others].slice(0, e.field);
        const candidates: { entryId: number; seedMark: number }[] = [];
        for (const [ai, athleteId] of field.entries()) {
          await bibFor(athleteId);
          // The star seeds fastest; the others spread up to ~6% slower.
          const seedMark = Math.round(e.par * (1 + (ai === 0 && star ? 0 : 0.005 + rng() * 0.055)));
          const [en] = await tx<[{ id: number }]>`
            INSERT INTO entries (event_id, meet_id, athlete_id, seed_mark, status)
            VALUES (${ev.id}, ${meet.id}, ${athleteId}, ${seedMark}, 'confirmed') RETURNING id`;
          candidates.push({ entryId: en.id, seedMark });
          entries++;
        }
        const laneCount = e.kind === 'road' || e.distanceM > 800 ? Math.max(e.field, 8) : 8;
        const round = e.heats > 1 ? 'heat' : 'final';
        for (const [hi, lanes] of seedHeats(candidates, e.heats, laneCount, rng).entries()) {
          const [heat] = await tx<[{ id: number }]>`
            INSERT INTO heats (event_id, round, number, scheduled_at)
            VALUES (${ev.id}, ${round}, ${hi + 1}, ${new Date(Date.parse(at) + hi * 600_000).toISOString()}) RETURNING id`;
          heats++;
          for (const l of lanes) {
            await tx`INSERT INTO heat_lanes (heat_id, event_id, round, entry_id, lane) VALUES (${heat.id}, ${ev.id}, ${round}, ${l.entryId}, ${l.lane})`;
          }
        }
      }
    }
    return { users: DEMO_USERS.length, athletes: athleteIds.size + 1 + 80, meets: MEETS.length, events, entries, heats };
  });
}

async function insertAthlete(
  tx: Tx,
  a: { first: string; last: string; country: string; gender: string; born: string; club: string; coachUserId: number | null; userId: number | null },
): Promise<number> {
  const [row] = await tx<[{ id: number }]>`
    INSERT INTO athletes (first_name, last_name, country, gender, birth_date, club, coach_user_id, user_id)
    VALUES (${a.first}, ${a.last}, ${a.country}, ${a.gender}, ${a.born}, ${a.club}, ${a.coachUserId}, ${a.userId})
    RETURNING id`;
  return row.id;
}
