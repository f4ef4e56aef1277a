// The process logger (pino, JSON lines). Fastify adds request ids and logs each request through it.
// Secrets never reach a log line: request headers are not serialized by default, and these paths are
// censored wherever they appear in a logged object.
import pino, { type DestinationStream, type Level, type Logger } from 'pino';

export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.password_hash',
  '*.token',
  '*.tokenHash',
  '*.token_hash',
];

/** destination: where lines go (stdout by default; tests pass a capturing stream). */
export function createLogger(level: Level | 'silent', destination?: DestinationStream): Logger {
  return pino({ level, redact: LOG_REDACT }, destination);
}
