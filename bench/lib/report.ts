// Every benchmark ends the same way: a JSON document and a Markdown table in the output folder,
// and the table on stdout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openFileLimit } from './util.js';

export interface Target {
  name: string;
  /** The target as the issue states it. */
  goal: string;
  value: number | string | null;
  met: boolean | null;
}

export interface Table {
  columns: string[];
  rows: (string | number | null)[][];
}

export interface BenchResult {
  bench: string;
  smoke: boolean;
  startedAt: string;
  durationS: number;
  machine: MachineInfo;
  /** The code the hubs ran. */
  hub: { ref: string; commit: string; dirty: boolean };
  /** The parameters of the run (sizes, rates, counts). */
  params: Record<string, unknown>;
  /** One object per measured configuration, with every figure. */
  rows: object[];
  targets: Target[];
  notes: string[];
  tables: { title: string; table: Table }[];
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
  loadAvgStart: number[];
  loadAvgEnd?: number[];
  openFiles: { soft: number; hard: number };
  postgres?: string;
  redis?: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kernel: os.release(),
    loadAvgStart: os.loadavg().map((x) => Number(x.toFixed(2))),
    openFiles: openFileLimit(),
    redis: tryRun('redis-server', ['--version'])?.match(/v=(\S+)/)?.[1],
  };
}

function tryRun(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

const cell = (v: string | number | null | undefined) => (v == null || (typeof v === 'number' && Number.isNaN(v)) ? '–' : String(v));

export function markdownTable(t: Table): string {
  const widths = t.columns.map((c, i) => Math.max(c.length, ...t.rows.map((r) => cell(r[i]).length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(t.columns), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...t.rows.map((r) => line(r.map(cell)))].join('\n');
}

export function renderMarkdown(r: BenchResult): string {
  const hub = `hub ${r.hub.ref === 'working tree' ? `working tree at ${r.hub.commit.slice(0, 7)}${r.hub.dirty ? ' + local changes' : ''}` : `${r.hub.ref} (${r.hub.commit.slice(0, 7)})`}`;
  const out = [
    `## bench:${r.bench}${r.smoke ? ' (smoke)' : ''}`,
    '',
    `${r.startedAt}, ${r.durationS} s; ${hub}; ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}, load ${r.machine.loadAvgStart.join(' ')} → ${r.machine.loadAvgEnd?.join(' ') ?? '?'}`,
    '',
  ];
  for (const { title, table } of r.tables) out.push(`### ${title}`, '', markdownTable(table), '');
  if (r.targets.length) {
    out.push('### Targets', '', markdownTable({ columns: ['target', 'goal', 'value', 'met'], rows: r.targets.map((t) => [t.name, t.goal, t.value, t.met == null ? 'n/a' : t.met ? 'yes' : 'NO']) }), '');
  }
  if (r.notes.length) out.push(...r.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

/** Writes <out>/<bench>.json and <out>/<bench>.md and prints the Markdown. */
export function writeResult(outDir: string, r: BenchResult): { json: string; md: string } {
  mkdirSync(outDir, { recursive: true });
  r.machine.loadAvgEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
  const json = path.join(outDir, `${r.bench}.json`);
  const md = path.join(outDir, `${r.bench}.md`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  const text = renderMarkdown(r);
  writeFileSync(md, `${text}\n`);
  process.stdout.write(`\n${text}\nwritten: ${path.relative(process.cwd(), json)}, ${path.relative(process.cwd(), md)}\n`);
  return { json, md };
}

/** What a benchmark returns; run.ts adds the run's context. */
export type BenchPart = Omit<BenchResult, 'machine' | 'startedAt' | 'durationS' | 'smoke' | 'hub'>;
