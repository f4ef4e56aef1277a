// Who is asking: resolved once per request from `Authorization: Bearer` or the session cookie.
// Routes declare what they need with `authorize(permission)`; the table lives in shared/permissions.ts.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { can, type Permission } from '../../shared/permissions.js';
import { forbidden, unauthorized } from '../errors.js';
import type { Actor } from '../db/repos/audit.js';
import type { AuthUser, SessionService } from './sessions.js';

export const SESSION_COOKIE = 'athsys_session';

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
    sessionToken: string | null;
  }
}

export function tokenFrom(authorization: string | undefined, cookieToken: string | undefined): string | null {
  const m = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  return m?.[1] ?? cookieToken ?? null;
}

export function installAuth(app: FastifyInstance, sessions: SessionService): void {
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', async (req) => {
    const token = tokenFrom(req.headers.authorization, req.cookies[SESSION_COOKIE]);
    if (!token) return;
    req.sessionToken = token;
    req.user = await sessions.resolve(token);
  });
}

/** preHandler: the caller must be signed in and hold at least one of the permissions. */
export function authorize(...permissions: Permission[]) {
  return async (req: FastifyRequest) => {
    if (!req.user) throw unauthorized(req.sessionToken ? 'session expired or revoked: sign in again' : 'sign in first');
    if (permissions.length && !permissions.some((p) => can(req.user!.role, p))) throw forbidden();
  };
}

export function actorOf(req: FastifyRequest): Actor {
  return {
    userId: req.user?.id ?? null,
    email: req.user?.email ?? null,
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
  };
}
