import type { Services } from '../app.js';
import { AuditEntry, AuditQuery } from '../../shared/schemas/audit.js';
import { ErrorBody, Page } from '../../shared/schemas/common.js';
import { listAudit } from '../db/repos/audit.js';
import { authorize } from '../auth/guard.js';
import type { ZApp } from './types.js';

export function auditRoutes(app: ZApp, s: Services): void {
  app.get(
    '/api/audit',
    { schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: Page(AuditEntry), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody } }, preHandler: authorize('audit:read') },
    async (req) => {
      const { items, total } = await listAudit(s.sql, req.query);
      return { items, total, limit: req.query.limit, offset: req.query.offset };
    },
  );
}
