// A race simulator for demos: it runs a meet heat after heat through the hub's public interfaces,
// exactly as people would. The starter's console (the /console namespace, signed in over REST)
// starts each heat, submits realistic results as the runners cross the line, then finishes the heat
// and makes it official. Optionally a chief registrar (REST) reads the entries' seed marks, which
// the starter's role may not read, and draws the final from the heats' qualifiers.
//
// Used by scripts/demo.ts (`npm run demo`) and, with DEMO_SIMULATOR=true, by server/main.ts.
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { Ack } from '../../shared/schemas/common.js';
import type { Entry } from '../../shared/schemas/entries.js';
import type { ConsoleClientToServer, ConsoleServerToClient } from '../../shared/schemas/live.js';
import type { Event, EventDetail, HeatSummary, Meet, Round } from '../../shared/schemas/meets.js';
import type { HeatSnapshot, ResultInput, ResultSubmit, HeatStatusSubmit } from '../../shared/schemas/results.js';
import { seededRng, type Rng } from '../../shared/seeding.js';
import { FALSE_START_REACTION_MS } from '../../shared/time.js';

export interface Credentials {
  email: string;
  password: string;
}

export interface SimulatorOptions {
  /** The hub, e.g. http://127.0.0.1:3000. */
  hubUrl: string;
  /** Enters results: a starter (any role with results:write). */
  starter: Credentials;
  /** Reads seed marks and draws finals: a chief registrar. null: marks are estimated, no final is drawn. */
  organiser?: Credentials | null;
  /** The meet, by id or by name (default: the demo meet). */
  meetId?: number;
  meetName?: string;
  /** 1 = real time; 10 = ten times faster. */
  speed?: number;
  /** A race never lasts longer than this on the wall clock (ms): long races run faster still. */
  maxRaceMs?: number;
  /** Between one heat going official and the next starting (ms). */
  pauseMs?: number;
  /** From the last result to "finished", and from "finished" to "official" (ms). */
  officialDelayMs?: number;
  /** When nothing is left to run: false, stop; true, keep watching the meet for new heats. */
  loop?: boolean;
  /** Stop after this many heats. */
  maxHeats?: number;
  /** Seed of the random numbers (default: random). */
  seed?: number;
  log?: (message: string, details?: Record<string, unknown>) => void;
}

export interface SimulatorReport {
  meetId: number;
  /** Heats taken to official, in order. */
  heats: number[];
}

const DEFAULTS = { speed: 1, maxRaceMs: 45_000, pauseMs: 25_000, officialDelayMs: 3_000 };
export const DEMO_MEET_NAME = 'National Athletics Championship 2026';
const ROUND_ORDER: Record<Round, number> = { heat: 0, semi: 1, final: 2 };
const WATCH_INTERVAL_MS = 5_000;
const ACK_TIMEOUT_MS = 10_000;
const ACK_ATTEMPTS = 5;
/** Results closer together than this (wall clock) go to the hub in one submission, as a timing system does. */
const BATCH_WINDOW_MS = 150;

// ---------------------------------------------------------------------------------------------
// The race model (pure, given a random source)

export interface Runner {
  entryId: number;
  /** Thousandths; null when unknown. */
  seedMark: number | null;
}

export interface RaceContext {
  distanceM: number | null;
  gender: 'M' | 'F' | 'X';
  kind: 'track' | 'field' | 'road';
}

export type Outcome = Required<Pick<ResultInput, 'entryId' | 'status'>> & Pick<ResultInput, 'timeMs' | 'reactionMs' | 'dqRule'>;

/** Standard normal deviate (Box-Muller). */
function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A plausible time for an athlete without a seed mark: a good national level for the distance. */
export function estimatedMark(ctx: RaceContext): number {
  const d = ctx.distanceM ?? 100;
  const seconds = 10.2 * Math.pow(d / 100, 1.1) * (ctx.gender === 'F' ? 1.1 : 1);
  return Math.round(seconds * 1000);
}

const sprint = (ctx: RaceContext) => ctx.kind === 'track' && (ctx.distanceM ?? 0) <= 400;

/**
 * One heat's results: each finisher runs their seed mark give or take a few percent (a slightly
 * slow day on average, rarely a big improvement); now and then one does not start (DNS), does not
 * finish (DNF) or is disqualified (DQ); sprinters react in 0.120-0.200 s, very rarely under 0.100.
 */
export function simulateRace(runners: readonly Runner[], ctx: RaceContext, rng: Rng): Outcome[] {
  const long = (ctx.distanceM ?? 0) >= 800;
  return runners.map((r): Outcome => {
    const roll = rng();
    if (roll < 0.02) return { entryId: r.entryId, status: 'DNS' };
    if (roll < (long ? 0.06 : 0.035)) return { entryId: r.entryId, status: 'DNF' };
    const reactionMs = sprint(ctx) ? reaction(rng) : null;
    if (roll < (long ? 0.07 : 0.045)) return { entryId: r.entryId, status: 'DQ', dqRule: sprint(ctx) ? 'TR17.3.1' : 'TR17.2.3', reactionMs };
    const base = r.seedMark ?? estimatedMark(ctx);
    const form = Math.min(0.08, Math.max(-0.025, 0.006 + 0.012 * gaussian(rng)));
    return { entryId: r.entryId, status: 'OK', timeMs: Math.round(base * (1 + form)), reactionMs };
  });
}

function reaction(rng: Rng): number {
  if (rng() < 0.02) return FALSE_START_REACTION_MS - 1 - Math.floor(rng() * 20); // 80-99: a warning for the starter
  return 120 + Math.floor(rng() * 81);
}

/** An anemometer reading in m/s (one decimal): mostly a light tailwind, now and then over +2.0. */
export function windReading(rng: Rng): number {
  const raw = Math.min(4, Math.max(-3, 0.8 + 1.1 * gaussian(rng)));
  return Math.round(raw * 10) / 10;
}

// ---------------------------------------------------------------------------------------------
// Talking to the hub

class HubError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function http<T>(hubUrl: string, method: string, path: string, opts: { token?: string; body?: unknown; idempotent?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.idempotent) headers['idempotency-key'] = `demo-${randomBytes(9).toString('hex')}`;
  const res = await fetch(`${hubUrl}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON
    }
    throw new HubError(res.status, `${method} ${path}: ${res.status} ${message}`);
  }
  return JSON.parse(text) as T;
}

async function login(hubUrl: string, who: Credentials): Promise<string> {
  const reply = await http<{ token: string }>(hubUrl, 'POST', '/api/auth/login', { body: who });
  return reply.token;
}

/** Resolves after ms, or at once when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

type ConsoleSocket = Socket<ConsoleServerToClient, ConsoleClientToServer>;

interface PlannedHeat {
  event: Event;
  heat: HeatSummary;
  roundHeats: HeatSummary[];
}

export class RaceSimulator {
  readonly #o: Required<Omit<SimulatorOptions, 'organiser' | 'meetId' | 'maxHeats' | 'seed' | 'log'>> & SimulatorOptions;
  readonly #rng: Rng;
  readonly #abort = new AbortController();
  readonly #run = randomBytes(4).toString('hex');
  readonly #marks = new Map<number, Map<number, number | null>>();
  #console: ConsoleSocket | null = null;
  readonly #drawTried = new Set<number>();
  #organiserToken: string | null | undefined;
  #step = 0;

  constructor(options: SimulatorOptions) {
    this.#o = { ...DEFAULTS, meetName: DEMO_MEET_NAME, loop: false, ...options };
    if (!(this.#o.speed > 0)) throw new RangeError('speed must be positive');
    this.#rng = options.seed === undefined ? Math.random : seededRng(options.seed);
  }

  get stopped(): boolean {
    return this.#abort.signal.aborted;
  }

  /** Asks the run to end: waits are cut short and no new step starts. */
  stop(): void {
    this.#abort.abort();
  }

  async run(): Promise<SimulatorReport> {
    const o = this.#o;
    const token = await login(o.hubUrl, o.starter);
    this.#console = io(`${o.hubUrl}/console`, { transports: ['websocket'], auth: { token }, reconnectionDelayMax: 2_000 });
    try {
      await this.#connected(this.#console);
      const meetId = await this.#findMeet();
      this.#log('simulating', { meetId, speed: o.speed, loop: o.loop });
      const report: SimulatorReport = { meetId, heats: [] };
      while (!this.stopped && (o.maxHeats === undefined || report.heats.length < o.maxHeats)) {
        const next = (await this.#plan(meetId))[0];
        if (!next) {
          if (await this.#drawNextRound(meetId)) continue;
          if (!o.loop) break;
          await sleep(WATCH_INTERVAL_MS, this.#abort.signal);
          continue;
        }
        if (report.heats.length > 0) await sleep(o.pauseMs, this.#abort.signal);
        if (this.stopped) break;
        await this.#runHeat(next);
        if (!this.stopped) report.heats.push(next.heat.id);
      }
      this.#log('simulation over', { heats: report.heats.length });
      return report;
    } finally {
      this.#console.close();
      this.#console = null;
    }
  }

  #log(message: string, details?: Record<string, unknown>) {
    this.#o.log?.(message, details);
  }

  #connected(socket: Socket): Promise<void> {
    return new Promise((resolve, reject) => {
      if (socket.connected) return resolve();
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(new Error(`the console namespace refused the starter: ${err.message}`)));
    });
  }

  async #findMeet(): Promise<number> {
    if (this.#o.meetId !== undefined) return (await http<Meet>(this.#o.hubUrl, 'GET', `/api/meets/${this.#o.meetId}`)).id;
    const { items } = await http<{ items: Meet[] }>(this.#o.hubUrl, 'GET', '/api/meets?limit=200');
    const meet = items.find((m) => m.name === this.#o.meetName);
    if (!meet) throw new Error(`no meet named "${this.#o.meetName}" on ${this.#o.hubUrl} (is the demo data loaded?)`);
    return meet.id;
  }

  /** Heats still to run, in running order: events in schedule order, rounds in order, heats by number. */
  async #plan(meetId: number): Promise<PlannedHeat[]> {
    const events = await http<Event[]>(this.#o.hubUrl, 'GET', `/api/meets/${meetId}/events`);
    const details = await Promise.all(events.map((e) => http<EventDetail>(this.#o.hubUrl, 'GET', `/api/events/${e.id}`)));
    const planned: PlannedHeat[] = [];
    for (const [i, detail] of details.entries()) {
      const rounds = detail.rounds.toSorted((a, b) => ROUND_ORDER[a.round] - ROUND_ORDER[b.round]);
      for (const r of rounds) {
        for (const heat of r.heats.toSorted((a, b) => a.number - b.number)) {
          if (heat.status !== 'official') planned.push({ event: events[i]!, heat, roundHeats: r.heats });
        }
      }
    }
    return planned;
  }

  async #organiser(): Promise<string | null> {
    if (this.#organiserToken !== undefined) return this.#organiserToken;
    const who = this.#o.organiser;
    this.#organiserToken = null;
    if (who) {
      try {
        this.#organiserToken = await login(this.#o.hubUrl, who);
      } catch (err) {
        this.#log('organiser sign-in refused: seed marks are estimated and no final is drawn', { error: (err as Error).message });
      }
    }
    return this.#organiserToken;
  }

  async #seedMarks(eventId: number): Promise<Map<number, number | null>> {
    const cached = this.#marks.get(eventId);
    if (cached) return cached;
    const marks = new Map<number, number | null>();
    const token = await this.#organiser();
    if (token) {
      try {
        const page = await http<{ items: Entry[] }>(this.#o.hubUrl, 'GET', `/api/events/${eventId}/entries?limit=200`, { token });
        for (const e of page.items) marks.set(e.id, e.seedMark);
      } catch (err) {
        this.#log('cannot read seed marks: estimating', { eventId, error: (err as Error).message });
      }
    }
    this.#marks.set(eventId, marks);
    return marks;
  }

  /**
   * When every heat of an event's first round is official and no later round exists, the organiser
   * draws the final from the qualifiers (the round's rule was set before it ran). True when drawn.
   */
  async #drawNextRound(meetId: number): Promise<boolean> {
    const token = await this.#organiser();
    if (!token || this.stopped) return false;
    const events = await http<Event[]>(this.#o.hubUrl, 'GET', `/api/meets/${meetId}/events`);
    for (const e of events) {
      const detail = await http<EventDetail>(this.#o.hubUrl, 'GET', `/api/events/${e.id}`);
      const last = detail.rounds.toSorted((a, b) => ROUND_ORDER[a.round] - ROUND_ORDER[b.round]).at(-1);
      if (!last || last.round === 'final' || last.heats.some((h) => h.status !== 'official') || this.#drawTried.has(e.id)) continue;
      this.#drawTried.add(e.id);
      try {
        await http(this.#o.hubUrl, 'POST', `/api/events/${e.id}/rounds/${last.round}/advance`, {
          token, body: { toRound: 'final', heatCount: 1, lanes: Math.max(8, ...last.heats.map((h) => h.laneCount)) },
        });
        this.#log('final drawn from the qualifiers', { event: e.name });
        return true;
      } catch (err) {
        this.#log('cannot draw the final', { event: e.name, error: (err as Error).message });
      }
    }
    return false;
  }

  /** Before the first heat of a multi-heat round runs: Q by place and q by time to fill one final. */
  async #setRoundRule(p: PlannedHeat): Promise<void> {
    const heats = p.roundHeats.length;
    if (p.heat.round === 'final' || heats < 2 || p.roundHeats.some((h) => h.status !== 'scheduled')) return;
    const token = await this.#organiser();
    if (!token) return;
    const lanes = 8;
    const byPlace = Math.max(1, Math.floor(lanes / heats) - 1);
    const rule = { byPlace, byTime: Math.max(0, lanes - byPlace * heats), capacity: lanes };
    try {
      await http(this.#o.hubUrl, 'PUT', `/api/events/${p.event.id}/rounds/${p.heat.round}/rule`, { token, body: rule });
    } catch (err) {
      this.#log('cannot set the qualification rule', { event: p.event.name, error: (err as Error).message });
    }
  }

  async #runHeat(p: PlannedHeat): Promise<void> {
    const o = this.#o;
    const heatId = p.heat.id;
    const snap = await http<HeatSnapshot>(o.hubUrl, 'GET', `/api/heats/${heatId}`);
    if (snap.status === 'official') return;
    await this.#setRoundRule(p);
    const marks = await this.#seedMarks(p.event.id);
    const ctx: RaceContext = { distanceM: p.event.distanceM, gender: p.event.gender, kind: p.event.kind };
    const todo = snap.rows.filter((r) => r.status === null).map((r) => ({ entryId: r.entryId, seedMark: marks.get(r.entryId) ?? null }));
    const outcomes = simulateRace(todo, ctx, this.#rng);
    const finishers = outcomes.filter((x) => x.status === 'OK').toSorted((a, b) => a.timeMs! - b.timeMs!);
    const others = outcomes.filter((x) => x.status !== 'OK');
    const raceMs = finishers.at(-1)?.timeMs ?? 0;
    const scale = Math.max(o.speed, raceMs / o.maxRaceMs);
    const label = `${p.event.name} ${p.heat.round} ${p.heat.number}`;

    let startedAt = snap.startedAt ? Date.parse(snap.startedAt) : Date.now();
    if (snap.status === 'scheduled') {
      startedAt = Date.now();
      await this.#status(heatId, 'started', new Date(startedAt).toISOString());
      this.#log('started', { heat: label, runners: snap.rows.length, wallMs: Math.round(raceMs / scale) });
    }

    // Results reach the hub as the runners cross the line (on the scaled clock), in small batches.
    let wind: number | null | undefined = p.event.windMeasured && snap.windMps == null ? windReading(this.#rng) : undefined;
    for (let i = 0; i < finishers.length && !this.stopped; ) {
      const due = startedAt + finishers[i]!.timeMs! / scale;
      await sleep(due - Date.now(), this.#abort.signal);
      const batch = [finishers[i++]!];
      while (i < finishers.length && startedAt + finishers[i]!.timeMs! / scale - due <= BATCH_WINDOW_MS) batch.push(finishers[i++]!);
      await this.#submit(heatId, batch, wind);
      wind = undefined;
    }
    if (this.stopped) return;
    await this.#submit(heatId, others, wind);
    if (snap.status !== 'finished') {
      await sleep(o.officialDelayMs, this.#abort.signal);
      await this.#status(heatId, 'finished');
    }
    await sleep(o.officialDelayMs, this.#abort.signal);
    await this.#status(heatId, 'official');
    this.#log('official', { heat: label, finishers: finishers.length, nonFinishers: others.length });
  }

  async #submit(heatId: number, results: Outcome[], windMps: number | null | undefined): Promise<void> {
    if (!results.length) return;
    const req: ResultSubmit = { idempotencyKey: this.#key(heatId, 'results'), heatId, results, ...(windMps !== undefined ? { windMps } : {}) };
    await this.#emit('result:submit', (s) => s.emitWithAck('result:submit', req));
  }

  async #status(heatId: number, status: HeatStatusSubmit['status'], startedAt?: string): Promise<void> {
    const req: HeatStatusSubmit = { idempotencyKey: this.#key(heatId, status), heatId, status, ...(startedAt ? { startedAt } : {}) };
    await this.#emit('heat:status', (s) => s.emitWithAck('heat:status', req));
  }

  #key(heatId: number, what: string): string {
    return `demo-${this.#run}-${heatId}-${what}-${++this.#step}`;
  }

  /** Sends a console write and waits for its acknowledgement; a lost answer is resent with the same key. */
  async #emit(what: string, send: (s: ConsoleSocket) => Promise<unknown>): Promise<void> {
    const socket = this.#console;
    if (!socket) throw new Error('the console is not connected');
    for (let attempt = 1; ; attempt++) {
      let ack: Ack<{ version: number }>;
      try {
        ack = (await send(socket.timeout(ACK_TIMEOUT_MS))) as Ack<{ version: number }>;
      } catch (err) {
        if (attempt >= ACK_ATTEMPTS || this.stopped) throw new Error(`${what}: no answer from the hub (${(err as Error).message})`, { cause: err });
        continue; // the same idempotency key: the hub applies it at most once
      }
      if (!ack.ok) throw new Error(`${what} refused: ${ack.error.code}: ${ack.error.message}`);
      return;
    }
  }
}

/** Starts a simulation in the background; `done` settles when it ends, `stop()` ends it. */
export function startSimulator(options: SimulatorOptions): { done: Promise<SimulatorReport>; stop(): Promise<void> } {
  const sim = new RaceSimulator(options);
  const done = sim.run();
  return {
    done,
    async stop() {
      sim.stop();
      await done.catch(() => undefined);
    },
  };
}
