// Every benchmark (bench/, `npm run bench`) run at tiny sizes, so that none of them rots. Checks
// the shape of what each one writes, never a timing: the machine is shared and noisy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/process.js';
import { postgresAvailable, redisAvailable } from '../helpers/services.js';

const ready = (await postgresAvailable()) && (await redisAvailable());

function runBench(name: string, out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', name, '--smoke', '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('close', (code) => resolve({ code, output }));
  });
}

const num = expect.any(Number);

describe.skipIf(!ready)('bench/run.ts --smoke', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(path.join(os.tmpdir(), 'athsys-bench-smoke-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  async function smoke(name: string) {
    const r = await runBench(name, out);
    expect(r.code, r.output).toBe(0);
    const json = JSON.parse(readFileSync(path.join(out, `${name}.json`), 'utf8'));
    expect(json).toMatchObject({ bench: name, smoke: true, machine: { cpus: num, node: process.version }, hub: { commit: expect.stringMatching(/^[0-9a-f]{40}$/) } });
    expect(json.tables.length).toBeGreaterThan(0);
    expect(json.targets.length).toBeGreaterThan(0);
    for (const t of json.targets) expect(t).toEqual({ name: expect.any(String), goal: expect.any(String), value: expect.toBeOneOf([expect.any(Number), expect.any(String), null]), met: expect.toBeOneOf([true, false, null]) });
    const md = readFileSync(path.join(out, `${name}.md`), 'utf8');
    expect(md).toContain(`## bench:${name} (smoke)`);
    expect(r.output).toContain(`## bench:${name} (smoke)`); // the table is printed too
    return json;
  }

  const latencyRow = { p50: num, p95: num, p99: num, max: num, count: num, deliveredShare: num, exactShare: num, expected: num, delivered: num, payloadBytes: num };

  it('fanout: hub and bare Socket.IO at the same size, with latency percentiles and delivery', { timeout: 180_000 }, async () => {
    const json = await smoke('fanout');
    expect(json.rows.map((r: { target: string }) => r.target).sort()).toEqual(['baseline', 'hub']);
    for (const r of json.rows) expect(r).toMatchObject({ viewers: num, connected: r.viewers, failedConnects: 0, ...latencyRow });
    for (const r of json.rows) expect(r.expected).toBeGreaterThan(0);
    expect(json.targets.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining([expect.stringMatching(/hub\/baseline p50/), expect.stringMatching(/hub\/baseline p99/)]));
  });

  it('cluster: three hub processes against one, same viewers', { timeout: 180_000 }, async () => {
    const json = await smoke('cluster');
    expect(json.rows.map((r: { target: string }) => r.target).sort()).toEqual(['cluster', 'single']);
    for (const r of json.rows) expect(r).toMatchObject({ viewers: num, connected: r.viewers, failedConnects: 0, ...latencyRow });
    expect(json.targets.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining([expect.stringMatching(/cluster\/single p99/)]));
  });

  it('ingest: raw inserts, raw transactions and the hub path, each acknowledged without error', { timeout: 180_000 }, async () => {
    const json = await smoke('ingest');
    expect(new Set(json.rows.map((r: { kind: string }) => r.kind))).toEqual(new Set(['raw insert', 'raw result+audit tx', 'hub submit', 'hub submit at fixed rate']));
    for (const r of json.rows) {
      expect(r).toMatchObject({ concurrency: num, results: num, perSecond: num, p50: num, p99: num, errors: 0 });
      expect(r.results).toBeGreaterThan(0);
    }
  });

  it('rest: heat snapshot and schedule, hub and bare Fastify, all answered 2xx', { timeout: 180_000 }, async () => {
    const json = await smoke('rest');
    const medians = json.rows.filter((r: { kind: string }) => r.kind === 'median');
    expect(medians.map((r: { route: string; target: string }) => `${r.route}/${r.target}`).sort()).toEqual(['heat/baseline', 'heat/hub', 'schedule/baseline', 'schedule/hub']);
    for (const r of medians) expect(r).toMatchObject({ perSecond: num, p50: num, p99: num, non2xx: 0, errors: 0, bodyBytes: num });
  });

  it('memory: heap and RSS per idle socket, hub and bare Socket.IO, after GC', { timeout: 180_000 }, async () => {
    const json = await smoke('memory');
    expect(json.rows.map((r: { target: string }) => r.target).sort()).toEqual(['baseline', 'hub']);
    for (const r of json.rows) expect(r).toMatchObject({ viewers: num, gc: true, heapPerSocketB: num, rssPerSocketB: num });
  });

  it('coldstart: embedded and server mode to /readyz', { timeout: 240_000 }, async () => {
    const json = await smoke('coldstart');
    const scenarios = json.rows.map((r: { scenario: string }) => r.scenario);
    expect(scenarios).toEqual(expect.arrayContaining(['embedded, fresh data dir, DEMO=false', 'server, migrated database']));
    for (const r of json.rows) expect(r).toMatchObject({ medianMs: num, minMs: num, maxMs: num });
  });
});
