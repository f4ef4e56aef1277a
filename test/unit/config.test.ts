import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_KEYS, KNOWN_DEMO_SECRETS, loadConfig } from '../../server/config.js';

const GOOD_SECRET = 'k3Jx9-this-is-a-long-random-production-secret-0123456789';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected loadConfig to refuse this environment');
}

describe('loadConfig', () => {
  it('gives working defaults for an empty environment (embedded single node, demo on)', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      env: 'development',
      production: false,
      host: '127.0.0.1',
      port: 3000,
      databaseUrl: undefined,
      databasePoolMax: 10,
      embeddedDataDir: './data/pglite',
      redisUrl: undefined,
      sessionIdleMs: 24 * 3600_000,
      bcryptCost: 12,
      demo: true,
      logLevel: 'info',
      corsOrigins: [],
      trustProxy: 'loopback',
      rate: { loginMax: 10, loginWindowMs: 300_000, readMax: 6000, writeMax: 1200, windowMs: 60_000 },
      cacheTtlS: 30,
    });
    // Outside production a documented secret is used; production refuses that very value.
    expect(KNOWN_DEMO_SECRETS).toContain(c.sessionSecret);
  });

  it('parses values and treats empty strings as unset', () => {
    const c = loadConfig({
      PORT: '8080', HOST: '', DATABASE_URL: 'postgres://u@db:5432/athsys', REDIS_URL: 'redis://cache:6379',
      SESSION_IDLE_HOURS: '0.5', CORS_ORIGINS: 'https://a.example, https://b.example', TRUST_PROXY: 'false', DEMO: 'no',
    });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.databaseUrl).toBe('postgres://u@db:5432/athsys');
    expect(c.redisUrl).toBe('redis://cache:6379');
    expect(c.sessionIdleMs).toBe(1_800_000);
    expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.trustProxy).toBe(false);
    expect(c.demo).toBe(false);
  });

  it('turns demo data off by default when a DATABASE_URL is given', () => {
    expect(loadConfig({ DATABASE_URL: 'postgresql://127.0.0.1/athsys' }).demo).toBe(false);
  });

  it('names every bad key at once', () => {
    const problems = problemsOf({ PORT: 'abc', BCRYPT_COST: '99', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x/y' });
    const keys = problems.map((p) => p.split(':')[0]);
    expect(keys).toEqual(expect.arrayContaining(['PORT', 'BCRYPT_COST', 'LOG_LEVEL', 'DATABASE_URL']));
    expect(problems).toHaveLength(4);
    const message = new ConfigError(problems).message;
    for (const key of ['PORT', 'BCRYPT_COST', 'LOG_LEVEL', 'DATABASE_URL']) expect(message).toContain(key);
  });

  it.each([
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['BCRYPT_COST', '3'],
    ['SESSION_IDLE_HOURS', '0'],
    ['DATABASE_POOL_MAX', '0'],
    ['RATE_LOGIN_MAX', '1.5'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['NODE_ENV', 'staging'],
    ['DEMO', 'maybe'],
  ])('refuses %s=%s', (key, value) => {
    expect(problemsOf({ [key]: value }).map((p) => p.split(':')[0])).toEqual([key]);
  });

  describe('in production', () => {
    const prod = (env: Record<string, string>) => ({ NODE_ENV: 'production', DATABASE_URL: 'postgres://127.0.0.1/athsys', ...env });

    it('starts with a long, undocumented secret, and demo data off', () => {
      const c = loadConfig(prod({ SESSION_SECRET: GOOD_SECRET, CORS_ORIGINS: 'https://results.example' }));
      expect(c.production).toBe(true);
      expect(c.sessionSecret).toBe(GOOD_SECRET);
      expect(c.demo).toBe(false);
    });

    it('refuses a missing SESSION_SECRET', () => {
      expect(problemsOf(prod({}))).toEqual([expect.stringMatching(/^SESSION_SECRET: .*at least 32/)]);
    });

    it('refuses a short SESSION_SECRET', () => {
      expect(problemsOf(prod({ SESSION_SECRET: 'x'.repeat(31) }))).toEqual([expect.stringMatching(/^SESSION_SECRET:/)]);
    });

    it.each(KNOWN_DEMO_SECRETS)('refuses the documented secret %j', (secret) => {
      expect(problemsOf(prod({ SESSION_SECRET: secret }))).toEqual([expect.stringMatching(/^SESSION_SECRET:/)]);
    });

    it('refuses the secret that .env.example documents', async () => {
      const { readFile } = await import('node:fs/promises');
      const example = await readFile(new URL('../../.env.example', import.meta.url), 'utf8');
      const documented = /^#?\s*SESSION_SECRET=(.*)$/m.exec(example)?.[1]?.trim();
      expect(documented).toBeTruthy();
      expect(problemsOf(prod({ SESSION_SECRET: documented! }))).toEqual([expect.stringMatching(/^SESSION_SECRET:/)]);
    });

    it('refuses DEMO=true and CORS "*", naming each key', () => {
      const keys = problemsOf(prod({ DEMO: 'true', CORS_ORIGINS: 'https://a.example,*' })).map((p) => p.split(':')[0]);
      expect(keys.sort()).toEqual(['CORS_ORIGINS', 'DEMO', 'SESSION_SECRET']);
    });
  });
});

describe('.env.example', () => {
  const read = async () => (await import('node:fs/promises')).readFile(new URL('../../.env.example', import.meta.url), 'utf8');

  it('documents every setting, one line each with a comment above it, and nothing else', async () => {
    // Keys after the docker-compose marker are read by docker-compose.yml, not the hub (test/unit/compose.test.ts).
    const all = (await read()).split('\n');
    const composeAt = all.findIndex((l) => l.startsWith('# --- docker-compose only'));
    const lines = composeAt >= 0 ? all.slice(0, composeAt) : all;
    for (const [i, line] of all.entries()) if (/^[A-Z][A-Z0-9_]*=/.test(line)) expect(all[i - 1], `${line} needs a comment line above it`).toMatch(/^# /);
    const documented = lines.flatMap((line, i) => {
      const m = /^([A-Z][A-Z0-9_]*)=/.exec(line);
      if (!m) return [];
      expect(lines[i - 1], `${m[1]} needs a comment line above it`).toMatch(/^# /);
      return [m[1]];
    });
    expect(documented.toSorted()).toEqual([...ENV_KEYS].toSorted());
  });

  it('is itself a valid configuration', async () => {
    const env = Object.fromEntries(
      (await read()).split('\n').flatMap((l) => {
        const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(l);
        return m ? [[m[1]!, m[2]!]] : [];
      }),
    );
    expect(() => loadConfig(env)).not.toThrow();
  });
});
