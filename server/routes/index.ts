// Every route module, registered once. Route handlers stay thin: parse, authorize, call, reply.
import type { Services } from '../app.js';
import type { ZApp } from './types.js';
import { healthRoutes } from './health.js';
import { authRoutes } from './auth.js';
import { userRoutes } from './users.js';
import { auditRoutes } from './audit.js';
import { athleteRoutes } from './athletes.js';
import { meetRoutes } from './meets.js';
import { eventRoutes } from './events.js';
import { entryRoutes } from './entries.js';
import { heatRoutes } from './heats.js';
import { importRoutes } from './imports.js';
import { resultRoutes } from './results.js';
import { lynxRoutes } from './lynx.js';
import { exportRoutes } from './exports.js';

export function registerRoutes(app: ZApp, s: Services): void {
  healthRoutes(app, s);
  authRoutes(app, s);
  userRoutes(app, s);
  auditRoutes(app, s);
  athleteRoutes(app, s);
  meetRoutes(app, s);
  eventRoutes(app, s);
  entryRoutes(app, s);
  heatRoutes(app, s);
  importRoutes(app, s);
  resultRoutes(app, s);
  lynxRoutes(app, s);
  exportRoutes(app, s);
}
