// Shared steps of the display browser suites (test/e2e/display-*.test.ts): real hub processes on a
// test database (and a Redis of their own for several processes), a starter's console socket, and
// reading what the board and the phone viewer show.
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { Socket } from 'socket.io-client';
import { ensureRoleUsers, TEST_PASSWORD } from '../helpers/app.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { startHub, type HubProcess } from '../helpers/hub-process.js';
import { REDIS_URL } from '../helpers/services.js';
import { ack, connectConsole, connected } from '../helpers/sockets.js';
import type { Ack } from '../../shared/schemas/common.js';
import type { HeatSnapshot, ResultInput } from '../../shared/schemas/results.js';

/** Redis database index of the display suites (others use 11, 12...). */
export const DISPLAY_REDIS_DB = 13;

export interface Hubs {
  db: TestDb;
  env: Record<string, string>;
  hubs: HubProcess[];
  close(): Promise<void>;
}

/** n hub processes on one fresh database; with Redis (several processes) on its own key prefix. */
export async function startHubs(n: number, opts: { redis: boolean }): Promise<Hubs> {
  const db = await createTestDb();
  await ensureRoleUsers(db);
  const env: Record<string, string> = { DATABASE_URL: db.url };
  if (opts.redis) Object.assign(env, { REDIS_URL: `${REDIS_URL}/${DISPLAY_REDIS_DB}`, REDIS_PREFIX: `dp${randomBytes(3).toString('hex')}:` });
  const hubs = await Promise.all(Array.from({ length: n }, () => startHub(env)));
  return {
    db, env, hubs,
    async close() {
      await Promise.all(hubs.map((h) => h.stop()));
      await db.close();
    },
  };
}

export async function login(hub: HubProcess, role: string): Promise<string> {
  const res = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${role}@test.local`, password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** A starter's console on the /console namespace of a hub. */
export class StarterConsole {
  private constructor(readonly socket: Socket) {}

  static async open(hub: HubProcess): Promise<StarterConsole> {
    const socket = connectConsole(hub.url, await login(hub, 'starter'));
    await connected(socket);
    return new StarterConsole(socket);
  }

  async submit(heatId: number, results: ResultInput[], windMps?: number): Promise<number> {
    const res = await ack<Ack<{ version: number }>>(this.socket, 'result:submit', {
      idempotencyKey: randomUUID(), heatId, results, ...(windMps !== undefined ? { windMps } : {}),
    });
    if (!res.ok) throw new Error(`result:submit refused: ${res.error.message}`);
    return res.data.version;
  }

  async status(heatId: number, status: 'started' | 'finished' | 'official', startedAt?: string): Promise<number> {
    const res = await ack<Ack<{ version: number }>>(this.socket, 'heat:status', { idempotencyKey: randomUUID(), heatId, status, ...(startedAt ? { startedAt } : {}) });
    if (!res.ok) throw new Error(`heat:status refused: ${res.error.message}`);
    return res.data.version;
  }

  close(): void {
    this.socket.disconnect();
  }
}

export async function heatSnapshot(hub: HubProcess, heatId: number): Promise<HeatSnapshot> {
  const res = await fetch(`${hub.url}/api/heats/${heatId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as HeatSnapshot;
}

export interface BoardRowText {
  place: string;
  lane: string;
  bib: string;
  name: string;
  country: string;
  time: string;
  flags: string;
}

/** The rows the board shows now, as text. */
export function boardRows(page: Page): Promise<BoardRowText[]> {
  return page.$$eval('[data-testid=row]', (rows) =>
    rows.map((row) => {
      const cell = (name: string) => (row.querySelector(`[data-testid=${name}]`)?.textContent ?? '').replace(/\s+/g, ' ').trim();
      return { place: cell('place'), lane: cell('lane'), bib: cell('bib'), name: cell('name'), country: cell('country'), time: cell('time'), flags: cell('flags') };
    }),
  );
}

/** [place, lane, time] of each row the board shows: the compact form most assertions need. */
export async function boardTable(page: Page): Promise<string[][]> {
  return (await boardRows(page)).map((r) => [r.place, r.lane, r.time]);
}

/** Waits until the board shows a heat (data attributes of the board's root). */
export async function boardShows(page: Page, heatId: number, timeout = 10_000): Promise<void> {
  await page.waitForSelector(`[data-testid=board][data-heat-id="${heatId}"]`, { timeout });
}

/** Whether the page overflows its viewport (something would scroll or be cut off at the edge). */
export function overflow(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => ({
    x: document.documentElement.scrollWidth - window.innerWidth,
    y: document.documentElement.scrollHeight - window.innerHeight,
  }));
}

/** Parses a clock like `9.8`, `1:02.3` into ms. */
export function clockMs(text: string): number {
  const parts = text.trim().split(':').map(Number);
  return Math.round(parts.reduce((acc, p) => acc * 60 + p, 0) * 1000);
}
