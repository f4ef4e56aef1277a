// Fixed-window counters (login attempts). Redis when configured, so every hub process counts together.
import type { Redis } from 'ioredis';

export interface CounterStore {
  /** Current count in the window, without counting. */
  get(key: string): Promise<{ count: number; resetMs: number }>;
  /** Count one, starting a window of windowMs if none is open. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  reset(key: string): Promise<void>;
}

export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, { count: number; until: number }>();

  private live(key: string) {
    const w = this.windows.get(key);
    if (w && w.until <= Date.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }
  async get(key: string) {
    const w = this.live(key);
    return { count: w?.count ?? 0, resetMs: w ? w.until - Date.now() : 0 };
  }
  async hit(key: string, windowMs: number) {
    const w = this.live(key) ?? { count: 0, until: Date.now() + windowMs };
    w.count += 1;
    this.windows.set(key, w);
    if (this.windows.size > 100_000) this.sweep();
    return { count: w.count, resetMs: w.until - Date.now() };
  }
  async reset(key: string) {
    this.windows.delete(key);
  }
  private sweep() {
    const now = Date.now();
    for (const [k, w] of this.windows) if (w.until <= now) this.windows.delete(k);
  }
}

export class RedisCounterStore implements CounterStore {
  constructor(private readonly redis: Redis, private readonly prefix = 'rl:') {}

  async get(key: string) {
    const [count, ttl] = await this.redis.multi().get(this.prefix + key).pttl(this.prefix + key).exec().then((r) => [r?.[0]?.[1], r?.[1]?.[1]]);
    return { count: Number(count ?? 0), resetMs: Math.max(0, Number(ttl ?? 0)) };
  }
  async hit(key: string, windowMs: number) {
    const k = this.prefix + key;
    const r = await this.redis.multi().incr(k).pexpire(k, windowMs, 'NX').pttl(k).exec();
    return { count: Number(r?.[0]?.[1] ?? 0), resetMs: Math.max(0, Number(r?.[2]?.[1] ?? windowMs)) };
  }
  async reset(key: string) {
    await this.redis.del(this.prefix + key);
  }
}
