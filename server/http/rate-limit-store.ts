// Counters behind @fastify/rate-limit's general limits. Reads (keys `r:...`) are counted in this
// process; writes (`w:...`) in the shared counter store (Redis when configured, so every hub process
// counts a client's writes together). Spectators' GETs are the hub's hottest path and a Redis round trip
// per read cost more than the read itself (bench:rest); a read flood is still stopped by every process
// it reaches, each at RATE_READ_MAX (and nginx in front may limit as well).
import { MemoryCounterStore, type CounterStore } from '../cache/counter-store.js';

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;

/** The store class @fastify/rate-limit instantiates (its `store` option). */
export function rateLimitStore(shared: CounterStore) {
  const local = new MemoryCounterStore();
  return class RateLimitStore {
    incr(key: string, cb: Callback, timeWindow: number): void {
      const store = key.startsWith('r:') ? local : shared;
      store.hit(`rlg:${key}`, timeWindow).then((r) => cb(null, { current: r.count, ttl: r.resetMs }), (err: Error) => cb(err));
    }
    /** Routes with limits of their own would get a child; all here share the global counters. */
    child(): this {
      return this;
    }
  };
}
