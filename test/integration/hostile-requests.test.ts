// Regressions found by the fuzz suites, each pinned by one focused request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('hostile requests the fuzzers found', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  // Fastify refuses these before routing, so neither the error handler nor the hooks ran: the answer
  // was Fastify's own shape ({ error: 'Bad Request', code: 'FST_ERR_BAD_URL', ... }) without security headers.
  it.each([
    ['broken percent-encoding', '/api/athletes/%%', 400],
    ['an encoded lone surrogate', '/api/heats/%ED%A0%80', 400],
  ])('%s is refused in the one error shape, with the security headers', async (_label, url, status) => {
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await t.app.inject({ method, url });
      expect(res.statusCode).toBe(status);
      expect(res.json()).toEqual({ error: { code: 'invalid_input', message: expect.any(String) } });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });
});
