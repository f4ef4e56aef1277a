// Security headers on every response, and CORS for the configured origins only (never "*" with
// credentials: a listed origin is echoed back, any other gets no CORS headers and a 403 on preflight).
import type { FastifyInstance } from 'fastify';

/** The headers every response carries (also those Fastify answers before any hook runs). */
export function securityHeaders(production: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
    'content-security-policy':
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'self'; base-uri 'self'; form-action 'self'",
    ...(production ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

export function installSecurity(app: FastifyInstance, opts: { corsOrigins: string[]; production: boolean }): void {
  const allowAny = opts.corsOrigins.includes('*');
  const headers = securityHeaders(opts.production);
  app.addHook('onRequest', async (req, reply) => {
    void reply.headers(headers);

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
