// docker-compose.yml cannot run here (no container engine): check its shape instead.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const text = readFileSync(new URL('docker-compose.yml', root), 'utf8');
const compose = parse(text) as { services: Record<string, Service>; volumes: Record<string, unknown>; networks: Record<string, { internal?: boolean }> };
const envExample = readFileSync(new URL('.env.example', root), 'utf8');
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  restart?: string;
  networks?: string[];
}
const s = compose.services;

describe('docker-compose.yml', () => {
  it('has the services of the deployment', () => {
    expect(Object.keys(s).sort()).toEqual(['hub', 'migrate', 'nginx', 'pgadmin', 'postgres', 'redis']);
  });

  it('runs PostgreSQL 16 with a volume and a health check, unpublished', () => {
    expect(s.postgres!.image).toMatch(/^postgres:16/);
    expect(s.postgres!.volumes!.some((v) => v.startsWith('pgdata:'))).toBe(true);
    expect(s.postgres!.healthcheck!.test.join(' ')).toMatch(/pg_isready/);
    expect(s.postgres!.ports).toBeUndefined();
  });

  it('runs Redis 7 with AOF persistence and a password, unpublished', () => {
    expect(s.redis!.image).toMatch(/^redis:7/);
    const cmd = s.redis!.command!.join(' ');
    expect(cmd).toMatch(/--appendonly yes/);
    expect(cmd).toMatch(/--requirepass/);
    expect(s.redis!.healthcheck).toBeDefined();
    expect(s.redis!.ports).toBeUndefined();
    expect(compose.networks.backend!.internal).toBe(true);
    expect(s.postgres!.networks).toEqual(['backend']);
    expect(s.redis!.networks).toEqual(['backend']);
  });

  it('migrates once before the hubs, which run 2+ replicas with health checks in production mode', () => {
    expect(s.migrate!.command).toEqual(['node', '--import', 'tsx', 'server/main.ts', 'migrate']);
    expect(s.migrate!.restart).toBe('no');
    expect(s.hub!.depends_on!.migrate!.condition).toBe('service_completed_successfully');
    expect(s.hub!.deploy!.replicas).toBeGreaterThanOrEqual(2);
    expect(s.hub!.healthcheck!.test.join(' ')).toMatch(/readyz/);
    expect(s.hub!.environment!.NODE_ENV).toBe('production');
    expect(s.hub!.ports).toBeUndefined();
  });

  it('puts nginx in front with the rendered config; pgAdmin is an optional profile on loopback', () => {
    expect(s.nginx!.ports).toEqual(['80:80', '443:443']);
    expect(s.nginx!.volumes).toContain('./nginx/compose.conf:/etc/nginx/nginx.conf:ro');
    expect(s.pgadmin!.profiles).toEqual(['tools']);
    expect(s.pgadmin!.ports!.every((p) => p.startsWith('127.0.0.1:'))).toBe(true);
  });

  it('takes every secret from .env, with no default, and documents every variable in .env.example', () => {
    const vars = [...text.matchAll(/\$\{([A-Z0-9_]+)(:?[-?][^}]*)?\}/g)];
    expect(vars.length).toBeGreaterThan(5);
    for (const [, name] of vars) expect(envExample, `${name} is documented`).toMatch(new RegExp(`^${name}=`, 'm'));
    for (const [whole, name, rest] of vars) {
      if (/PASSWORD|SECRET/.test(name!)) expect(rest, `${whole} has no default`).toMatch(/^:\?/);
    }
    // No literal secret anywhere: every password/secret value is a ${...} reference.
    for (const svc of Object.values(s)) {
      for (const [k, v] of Object.entries(svc.environment ?? {})) if (/PASSWORD|SECRET/.test(k)) expect(String(v)).toMatch(/^\$\{/);
    }
  });
});

describe('Dockerfile', () => {
  it('is multi-stage, runs as a non-root user, checks health and starts the hub', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/CMD \["node", "--import", "tsx", "server\/main.ts", "serve"\]/);
  });
});
