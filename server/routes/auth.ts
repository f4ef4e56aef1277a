import { z } from 'zod';
import type { Services } from '../app.js';
import { LoginBody, LoginReply, PublicUser } from '../../shared/schemas/auth.js';
import { ErrorBody } from '../../shared/schemas/common.js';
import { findUserByEmail, recordLogin } from '../db/repos/users.js';
import { recordAudit } from '../db/repos/audit.js';
import { burnPasswordCheck, verifyPassword } from '../auth/passwords.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import { actorOf, authorize, SESSION_COOKIE } from '../auth/guard.js';
import { AppError, unauthorized } from '../errors.js';
import type { ZApp } from './types.js';

export function authRoutes(app: ZApp, s: Services): void {
  const limiter = new LoginLimiter(s.stores.counters, s.config.rate.loginMax, s.config.rate.loginWindowMs);
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: s.config.production };

  app.post(
    '/api/auth/login',
    {
      schema: { tags: ['auth'], body: LoginBody, response: { 200: LoginReply, 401: ErrorBody, 403: ErrorBody, 429: ErrorBody } },
      config: { rateLimit: false }, // the login limiter below is stricter and counts failures
    },
    async (req, reply) => {
      const { email, password } = req.body;
      const actor = { ...actorOf(req), email };
      const wait = await limiter.blockedFor(req.ip, email);
      if (wait > 0) {
        await recordAudit(s.sql, actor, { action: 'auth.login_blocked', entityType: 'user', details: { email } });
        throw Object.assign(new AppError(429, 'rate_limited', `too many failed sign-ins: retry in ${wait} s`), { retryAfterS: wait });
      }
      const user = await findUserByEmail(s.sql, email);
      const ok = user ? await verifyPassword(password, user.passwordHash) : await burnPasswordCheck(password, s.config.bcryptCost);
      if (!user || !ok) {
        await limiter.recordFailure(req.ip, email);
        await recordAudit(s.sql, { ...actor, userId: user?.id ?? null }, { action: 'auth.login_failed', entityType: 'user', entityId: user?.id, details: { email, reason: user ? 'bad_password' : 'unknown_email' } });
        throw unauthorized('wrong email or password');
      }
      if (user.status !== 'active') {
        await recordAudit(s.sql, { ...actor, userId: user.id }, { action: 'auth.login_failed', entityType: 'user', entityId: user.id, details: { email, reason: 'suspended' } });
        throw new AppError(403, 'suspended', 'this account is suspended');
      }
      const session = await s.sessions.create(user.id, req.ip, req.headers['user-agent'] ?? null);
      await recordLogin(s.sql, user.id);
      await recordAudit(s.sql, { ...actor, userId: user.id }, { action: 'auth.login', entityType: 'user', entityId: user.id });
      void reply.setCookie(SESSION_COOKIE, session.token, { ...cookieOpts, maxAge: Math.floor(s.sessions.idleMs / 1000) });
      return { token: session.token, expiresAt: session.expiresAt, user: { id: user.id, name: user.name, email: user.email, role: user.role } };
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], response: { 200: z.object({ ok: z.literal(true) }), 401: ErrorBody } }, preHandler: authorize() },
    async (req, reply) => {
      await s.sessions.revoke(req.sessionToken!);
      await recordAudit(s.sql, actorOf(req), { action: 'auth.logout', entityType: 'user', entityId: req.user!.id });
      void reply.clearCookie(SESSION_COOKIE, cookieOpts);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/auth/me',
    { schema: { tags: ['auth'], response: { 200: z.object({ user: PublicUser }), 401: ErrorBody } }, preHandler: authorize() },
    async (req) => {
      const u = req.user!;
      return { user: { id: u.id, name: u.name, email: u.email, role: u.role } };
    },
  );
}
