// Who is signed in, and what their role may do (from the shared permission table).
// The session token lives in the hub's httpOnly cookie; the page never holds it. On a 401 the session
// is marked expired and the sign-in form comes back, while everything else (the outbox) stays put.
import { can, type Permission } from '../../../shared/permissions.js';
import type { LoginReply, PublicUser } from '../../../shared/schemas/auth.js';
import { ApiError, request, setUnauthorizedHandler } from './api.js';

export type SessionStatus = 'unknown' | 'signed-out' | 'signed-in' | 'expired';

type Listener = (user: PublicUser) => void;

export class Session {
  user = $state<PublicUser | null>(null);
  status = $state<SessionStatus>('unknown');
  /** The email of the last user, to fill in the sign-in form after an expiry. */
  lastEmail = $state('');
  private listeners: Listener[] = [];

  get signedIn(): boolean {
    return this.status === 'signed-in' && this.user !== null;
  }

  can(permission: Permission): boolean {
    return this.signedIn && can(this.user?.role, permission);
  }

  /** Runs after every successful sign-in (and once after a restored session): flush queues, reconnect. */
  onSignIn(listener: Listener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private signedInAs(user: PublicUser): void {
    this.user = user;
    this.lastEmail = user.email;
    this.status = 'signed-in';
    for (const l of this.listeners) l(user);
  }

  /** Asks the hub whether the cookie still holds a session. */
  async restore(): Promise<void> {
    try {
      const { user } = await request<{ user: PublicUser }>('GET', '/api/auth/me', { quiet401: true });
      this.signedInAs(user);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.status = 'signed-out';
      else throw err;
    }
  }

  async login(email: string, password: string): Promise<void> {
    const reply = await request<LoginReply>('POST', '/api/auth/login', { body: { email, password }, quiet401: true });
    this.signedInAs(reply.user);
  }

  async logout(): Promise<void> {
    try {
      await request('POST', '/api/auth/logout', { quiet401: true });
    } finally {
      this.user = null;
      this.status = 'signed-out';
    }
  }

  /** The hub said 401: the session ended (idle expiry, revoked, suspended). */
  expire(): void {
    if (this.status !== 'signed-in') return;
    this.user = null;
    this.status = 'expired';
  }

  reset(): void {
    this.user = null;
    this.status = 'unknown';
    this.lastEmail = '';
    this.listeners = [];
  }
}

export const session = new Session();
setUnauthorizedHandler(() => session.expire());
