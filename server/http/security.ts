// Security headers on every response, and CORS for the configured origins only (never "*" with
// credentials: a listed origin is echoed back, any other gets no CORS headers and a 403 on preflight).
import type { FastifyInstance } from 'fastify';

export function installSecurity(app: FastifyInstance, opts: { corsOrigins: string[]; production: boolean }): void {
  const allowAny = opts.corsOrigins.includes('*');
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'SAMEORIGIN');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    reply.header(
      'content-security-policy',
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'self'; base-uri 'self'; form-action 'self'",
    );
    if (opts.production) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');

    const origin = req.headers.origin;
    if (!origin) return;
    const allowed = opts.corsOrigins.includes(origin);
    if (allowed || allowAny) {
      reply.header('access-control-allow-origin', allowed ? origin : '*');
      reply.header('vary', 'Origin');
      if (allowed) reply.header('access-control-allow-credentials', 'true');
    }
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      if (!allowed && !allowAny) {
        return reply.status(403).send({ error: { code: 'cors_refused', message: `origin ${origin} is not allowed` } });
      }
      reply.header('access-control-allow-methods', 'GET,POST,PUT,PATCH,DELETE');
      reply.header('access-control-allow-headers', 'content-type,authorization,idempotency-key');
      reply.header('access-control-max-age', '600');
      return reply.status(204).send();
    }
  });
}
