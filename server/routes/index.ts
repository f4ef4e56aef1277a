// Every route module, registered once. Route handlers stay thin: parse, authorize, call, reply.
import type { Services } from '../app.js';
import type { ZApp } from './types.js';
import { healthRoutes } from './health.js';
import { authRoutes } from './auth.js';
import { userRoutes } from './users.js';
import { auditRoutes } from './audit.js';

export function registerRoutes(app: ZApp, s: Services): void {
  healthRoutes(app, s);
  authRoutes(app, s);
  userRoutes(app, s);
  auditRoutes(app, s);
}
