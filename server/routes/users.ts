import type { Services } from '../app.js';
import { User, UserCreate, UserPatch, UserQuery } from '../../shared/schemas/auth.js';
import { ErrorBody, IdParams, Page } from '../../shared/schemas/common.js';
import { getUser, insertUser, listUsers, updateUser } from '../db/repos/users.js';
import { recordAudit } from '../db/repos/audit.js';
import { hashPassword } from '../auth/passwords.js';
import { actorOf, authorize } from '../auth/guard.js';
import { conflict, notFound } from '../errors.js';
import type { ZApp } from './types.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function userRoutes(app: ZApp, s: Services): void {
  const admin = authorize('users:manage');

  app.get('/api/users', { schema: { tags: ['users'], querystring: UserQuery, response: { 200: Page(User), ...errors } }, preHandler: admin }, async (req) => {
    const { items, total } = await listUsers(s.sql, req.query);
    return { items, total, limit: req.query.limit, offset: req.query.offset };
  });

  app.post('/api/users', { schema: { tags: ['users'], body: UserCreate, response: { 201: User, ...errors } }, preHandler: admin }, async (req, reply) => {
    const { password, ...rest } = req.body;
    const passwordHash = await hashPassword(password, s.config.bcryptCost);
    const user = await s.sql.begin(async (tx) => {
      const u = await insertUser(tx, { ...rest, passwordHash });
      await recordAudit(tx, actorOf(req), { action: 'user.create', entityType: 'user', entityId: u.id, details: { after: u } });
      return u;
    });
    return reply.status(201).send(user);
  });

  app.get('/api/users/:id', { schema: { tags: ['users'], params: IdParams, response: { 200: User, ...errors } }, preHandler: admin }, async (req) => {
    const u = await getUser(s.sql, req.params.id);
    if (!u) throw notFound('user');
    return u;
  });

  app.patch('/api/users/:id', { schema: { tags: ['users'], params: IdParams, body: UserPatch, response: { 200: User, ...errors } }, preHandler: admin }, async (req) => {
    const { password, ...rest } = req.body;
    if (req.params.id === req.user!.id && ((rest.role && rest.role !== 'admin') || rest.status === 'suspended')) {
      throw conflict('an admin cannot demote or suspend their own account', rest.role ? 'role' : 'status');
    }
    const passwordHash = password ? await hashPassword(password, s.config.bcryptCost) : undefined;
    const { before, after } = await s.sql.begin(async (tx) => {
      const b = await getUser(tx, req.params.id);
      if (!b) throw notFound('user');
      const a = (await updateUser(tx, req.params.id, { ...rest, passwordHash }))!;
      await recordAudit(tx, actorOf(req), {
        action: 'user.update', entityType: 'user', entityId: a.id,
        details: { before: b, after: a, ...(password ? { passwordReset: true } : {}) },
      });
      return { before: b, after: a };
    });
    // A suspended user, a new password or a new role: every existing session ends, on every process.
    if (after.status === 'suspended' || passwordHash || after.role !== before.role) await s.sessions.revokeUser(after.id);
    return after;
  });
}
