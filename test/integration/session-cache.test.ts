// SessionService.resolve and its cache: a hit costs one cache read and writes nothing back, so a
// request that read a session just before its revocation cannot put it back in the cache.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SessionService } from '../../server/auth/sessions.js';
import { MemorySessionCache, type CachedSession } from '../../server/cache/session-cache.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { ensureRoleUsers } from '../helpers/app.js';

const log = { warn: () => {} };

describe('SessionService.resolve (cache writes)', () => {
  let db: TestDb;
  let userId: number;
  beforeAll(async () => {
    db = await createTestDb();
    userId = (await ensureRoleUsers(db)).starter.id;
  });
  afterAll(async () => {
    await db.close();
  });

  it('writes the cache after reading PostgreSQL and after a touch, not on a hit', async () => {
    const cache = new MemorySessionCache();
    const set = vi.spyOn(cache, 'set');
    const sessions = new SessionService(db.sql, cache, 'secret', 3_600_000, log);
    const { token } = await sessions.create(userId, null, null);
    for (let i = 0; i < 3; i++) expect(await sessions.resolve(token)).toMatchObject({ id: userId });
    expect(set).toHaveBeenCalledTimes(1);

    // A short idle limit makes the next use touch the session: the cache takes the new expiry.
    const short = new SessionService(db.sql, cache, 'secret', 400, log);
    const fresh = await short.create(userId, null, null);
    expect(await short.resolve(fresh.token)).not.toBeNull();
    await new Promise((r) => setTimeout(r, 150));
    expect(await short.resolve(fresh.token)).not.toBeNull();
    expect(set).toHaveBeenCalledTimes(3);
  });

  it('a revocation during a resolve that already read the cache stays revoked', async () => {
    const inner = new MemorySessionCache();
    let hold: Promise<void> | null = null;
    const cache = {
      get: async (h: string): Promise<CachedSession | null> => {
        const s = await inner.get(h);
        if (hold) await hold;
        return s;
      },
      set: (h: string, s: CachedSession, ttl: number) => inner.set(h, s, ttl),
      delete: (hs: string[]) => inner.delete(hs),
    };
    const sessions = new SessionService(db.sql, cache, 'secret', 3_600_000, log);
    const { token } = await sessions.create(userId, null, null);
    expect(await sessions.resolve(token)).not.toBeNull(); // cached now
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    const inFlight = sessions.resolve(token); // has read the cached session, waits
    await sessions.revoke(token);
    release();
    hold = null;
    await inFlight; // this one request may still pass: it started before the revocation
    expect(await sessions.resolve(token)).toBeNull();
  });
});
