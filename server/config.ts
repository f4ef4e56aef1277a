// The one place that reads process.env. Everything else receives a typed Config.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const csv = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** Secrets that ship in .env.example or docs; production refuses them. */
const DEV_SESSION_SECRET = 'demo-session-secret-not-for-production';
export const KNOWN_DEMO_SECRETS = [DEV_SESSION_SECRET, 'change-me', 'changeme', 'secret'];

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('127.0.0.1'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
    EMBEDDED_DATA_DIR: z.string().min(1).default('./data/pglite'),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{0,40}$/).default('athsys:'),
    SESSION_SECRET: z.string().min(1).optional(),
    SESSION_IDLE_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
    BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
    DEMO: bool.optional(),
    DEMO_SIMULATOR: bool.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    CORS_ORIGINS: csv.default([]),
    TRUST_PROXY: z.string().default('loopback'),
    RATE_LOGIN_MAX: z.coerce.number().int().min(1).default(10),
    RATE_LOGIN_WINDOW_S: z.coerce.number().int().min(1).default(300),
    RATE_READ_MAX: z.coerce.number().int().min(1).default(6000),
    RATE_WRITE_MAX: z.coerce.number().int().min(1).default(1200),
    RATE_WINDOW_S: z.coerce.number().int().min(1).default(60),
    CACHE_TTL_S: z.coerce.number().int().min(1).default(30),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.SESSION_SECRET || env.SESSION_SECRET.length < 32 || KNOWN_DEMO_SECRETS.includes(env.SESSION_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'production needs a SESSION_SECRET of at least 32 random characters (not a documented example)',
      });
    }
    if (env.DEMO) {
      ctx.addIssue({ code: 'custom', path: ['DEMO'], message: 'demo users are never created in production' });
    }
    if (env.DEMO_SIMULATOR) {
      ctx.addIssue({ code: 'custom', path: ['DEMO_SIMULATOR'], message: 'simulated results are never written in production' });
    }
    if (env.CORS_ORIGINS.includes('*')) {
      ctx.addIssue({ code: 'custom', path: ['CORS_ORIGINS'], message: '"*" is refused in production: list the origins' });
    }
  });

export type Env = z.infer<typeof envSchema>;
/** Every setting the hub reads (.env.example documents each one; a unit test keeps them in step). */
export const ENV_KEYS = Object.keys(envSchema.shape) as (keyof Env)[];

export interface Config {
  env: Env['NODE_ENV'];
  production: boolean;
  host: string;
  port: number;
  /** Undefined: run the embedded PGlite database (single-node mode). */
  databaseUrl?: string;
  databasePoolMax: number;
  embeddedDataDir: string;
  redisUrl?: string;
  /** Prefix of every Redis key and adapter channel: hubs of different meets can share one Redis. */
  redisPrefix: string;
  sessionSecret: string;
  sessionIdleMs: number;
  bcryptCost: number;
  /** Demo mode seeds the demo users and meets. Default: on in embedded mode outside production. */
  demo: boolean;
  /** Run the race simulator (server/demo/simulator.ts) inside the hub against the demo meet. */
  demoSimulator: boolean;
  logLevel: Env['LOG_LEVEL'];
  corsOrigins: string[];
  trustProxy: boolean | string;
  rate: { loginMax: number; loginWindowMs: number; readMax: number; writeMax: number; windowMs: number };
  cacheTtlS: number;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parse an environment; throws ConfigError naming every bad key. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as in a .env file with `KEY=`.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  return {
    env: e.NODE_ENV,
    production,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    embeddedDataDir: e.EMBEDDED_DATA_DIR,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    // Outside production a missing secret falls back to a documented one that production refuses.
    sessionSecret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
    sessionIdleMs: e.SESSION_IDLE_HOURS * 3600_000,
    bcryptCost: e.BCRYPT_COST,
    demo: e.DEMO ?? (!production && !e.DATABASE_URL),
    demoSimulator: e.DEMO_SIMULATOR ?? false,
    logLevel: e.LOG_LEVEL,
    corsOrigins: e.CORS_ORIGINS,
    trustProxy: e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY === 'false' ? false : e.TRUST_PROXY,
    rate: {
      loginMax: e.RATE_LOGIN_MAX,
      loginWindowMs: e.RATE_LOGIN_WINDOW_S * 1000,
      readMax: e.RATE_READ_MAX,
      writeMax: e.RATE_WRITE_MAX,
      windowMs: e.RATE_WINDOW_S * 1000,
    },
    cacheTtlS: e.CACHE_TTL_S,
  };
}
