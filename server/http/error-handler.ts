// One error shape: { error: { code, message, field? } }. 5xx detail goes to the log, never the client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, toAppError } from '../errors.js';
import { securityHeaders } from './security.js';

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_input',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_input',
};

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (hasZodFastifySchemaValidationErrors(err)) {
      const first = err.validation[0]!;
      const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const where = err.validationContext === 'body' ? '' : `${err.validationContext} `;
      return reply.status(400).send({
        error: { code: 'invalid_input', message: `${where}${field || 'body'}: ${first.message}`, ...(field ? { field } : {}) },
      });
    }
    const known = toAppError(err);
    if (known) {
      if (known.status === 429) void reply.header('retry-after', Math.ceil(((known as AppError & { retryAfterS?: number }).retryAfterS ?? 60)));
      return reply.status(known.status).send({ error: { code: known.code, message: known.message, ...(known.field ? { field: known.field } : {}) } });
    }
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).send({
        error: { code: FASTIFY_CODES[err.code] ?? (status === 429 ? 'rate_limited' : 'bad_request'), message: err.message },
      });
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: { code: 'internal', message: 'internal error; it has been logged' } });
  });

  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );
}

/**
 * Fastify's own refusals that come before routing (a URL that is not valid percent-encoding, a path
 * parameter over maxParamLength): in the one error shape too, with the security headers, since no
 * hook runs for them. Passed to Fastify as `frameworkErrors`.
 */
export function frameworkErrorHandler(production: boolean) {
  return (err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void => {
    const status = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
    void reply.headers(securityHeaders(production)).status(status).send({ error: { code: 'invalid_input', message: err.message } });
  };
}
