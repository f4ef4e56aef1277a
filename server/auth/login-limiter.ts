// Brute force and password spraying: failed logins are counted per client IP and per account in a
// fixed window (the AthSys 2.1 rule: 10 per 5 minutes). At the limit every attempt is refused, the
// right password included, until the window ends.
import type { CounterStore } from '../cache/counter-store.js';

export class LoginLimiter {
  constructor(
    private readonly counters: CounterStore,
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  private keys(ip: string, email: string) {
    return [`login:ip:${ip}`, `login:acct:${email.toLowerCase()}`];
  }

  /** Seconds to wait, or 0 when an attempt may proceed. */
  async blockedFor(ip: string, email: string): Promise<number> {
    const states = await Promise.all(this.keys(ip, email).map((k) => this.counters.get(k)));
    const blocking = states.filter((s) => s.count >= this.max);
    return blocking.length ? Math.max(1, Math.ceil(Math.max(...blocking.map((s) => s.resetMs)) / 1000)) : 0;
  }

  async recordFailure(ip: string, email: string): Promise<void> {
    await Promise.all(this.keys(ip, email).map((k) => this.counters.hit(k, this.windowMs)));
  }
}
