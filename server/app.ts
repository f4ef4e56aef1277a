// buildApp(deps) returns a ready-to-listen Fastify instance; it opens no connection of its own.
// main.ts owns the process: configuration, connections, listening, shutdown.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import { rateLimitStore } from './http/rate-limit-store.js';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Sql } from './db/client.js';
import type { Stores } from './cache/stores.js';
import { SessionService } from './auth/sessions.js';
import { installAuth } from './auth/guard.js';
import { frameworkErrorHandler, installErrorHandler } from './http/error-handler.js';
import { installSecurity } from './http/security.js';
import { AppError } from './errors.js';
import { registerRoutes } from './routes/index.js';
import { registerStatic } from './http/static.js';
import { Leaderboards } from './results/leaderboards.js';
import { ResultsService } from './results/ingest.js';
import { LivePublisher } from './live/publisher.js';
import { attachLive } from './live/io.js';

export interface AppDeps {
  config: Config;
  sql: Sql;
  stores: Stores;
  /** Pino options or an existing logger; tests pass `false`. */
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
}

/** What route modules receive besides the app itself. */
export interface Services {
  config: Config;
  sql: Sql;
  stores: Stores;
  sessions: SessionService;
  results: ResultsService;
  leaderboards: Leaderboards;
}

/** The live machinery, reachable from main.ts (shutdown) and tests (idle()). */
export interface Hub {
  results: ResultsService;
  leaderboards: Leaderboards;
  publisher: LivePublisher;
  live: ReturnType<typeof attachLive>;
}

declare module 'fastify' {
  interface FastifyInstance {
    hub: Hub;
  }
}

const REDACT = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.passwordHash', '*.token'];

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, sql, stores } = deps;
  const loggerOpt = deps.logger ?? { level: config.logLevel, redact: REDACT };
  const app = Fastify({
    ...(loggerOpt && typeof loggerOpt === 'object' && 'child' in loggerOpt ? { loggerInstance: loggerOpt as FastifyBaseLogger } : { logger: loggerOpt as FastifyServerOptions['logger'] }),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    // One log line per request, written when it is answered (below), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrorHandler(config.production),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  // Writes and failures at info; successful reads (spectators' GETs, thousands a second at a meet)
  // at debug: nginx keeps the access log, and a log line costs the hub more than the read (bench:rest).
  app.addHook('onResponse', async (req, reply) => {
    const read = (req.method === 'GET' || req.method === 'HEAD') && reply.statusCode < 400;
    req.log[read ? 'debug' : 'info']({ req, res: reply, responseTime: Math.round(reply.elapsedTime * 100) / 100 }, 'request completed');
  });
  installSecurity(app, { corsOrigins: config.corsOrigins, production: config.production });

  await app.register(cookie);
  const sessions = new SessionService(sql, stores.sessions, config.sessionSecret, config.sessionIdleMs, app.log);
  installAuth(app, sessions);

  // General limits per signed-in user, else per client IP (behind nginx: trustProxy gives the real one);
  // reads counted per process, writes across processes (http/rate-limit-store.ts).
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: (req) => (req.method === 'GET' || req.method === 'HEAD' ? config.rate.readMax : config.rate.writeMax),
    timeWindow: config.rate.windowMs,
    keyGenerator: (req) => `${req.method === 'GET' || req.method === 'HEAD' ? 'r' : 'w'}:${req.user ? `u${req.user.id}` : req.ip}`,
    store: rateLimitStore(stores.counters),
    skipOnError: true,
    allowList: (req) => req.url === '/healthz' || req.url === '/readyz',
    errorResponseBuilder: (_req, ctx) => Object.assign(new AppError(429, 'rate_limited', `too many requests: retry in ${ctx.after}`), { retryAfterS: Math.ceil(ctx.ttl / 1000) }),
  });

  await app.register(swagger, {
    openapi: {
      info: { title: 'AthSys Live API', version: '1.0.0', description: 'Real-time results hub for track and field meets' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const leaderboards = new Leaderboards(sql, stores.leaderboards);
  const publisher = new LivePublisher(sql, leaderboards, stores.readCache, app.log);
  const results = new ResultsService(sql, publisher);
  const services: Services = { config, sql, stores, sessions, results, leaderboards };
  registerRoutes(app.withTypeProvider<ZodTypeProvider>(), services);

  const live = attachLive(app, { sql, sessions, results, leaderboards, redis: stores.redis, corsOrigins: config.corsOrigins });
  publisher.emitter = live;
  app.decorate('hub', { results, leaderboards, publisher, live });
  app.addHook('preClose', async () => {
    await live.close();
  });
  app.addHook('onClose', async () => {
    await publisher.idle();
  });
  await registerStatic(app); // the built console and display, when dist/ exists
  return app;
}
