// `tsx bench/run.ts <bench> [--smoke] [--out DIR]`: runs one benchmark (or `all`), writes
// <out>/<bench>.json and <out>/<bench>.md, prints the table. See bench/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo, writeResult, type BenchPart, type BenchResult } from './lib/report.js';
import { ROOT } from './lib/util.js';
import { LOG_DIR, useHubRef } from './lib/procs.js';
import { FANOUT_FULL, FANOUT_SMOKE, runFanout } from './fanout.js';
import { INGEST_FULL, INGEST_SMOKE, runIngest } from './ingest.js';
import { REST_FULL, REST_SMOKE, runRest } from './rest.js';
import { MEMORY_FULL, MEMORY_SMOKE, runMemory } from './memory.js';
import { COLDSTART_FULL, COLDSTART_SMOKE, runColdstart } from './coldstart.js';

type Part = BenchPart;
type Runner = (smoke: boolean, log: (s: string) => void) => Promise<Part>;

const BENCHES: Record<string, Runner> = {
  fanout: (smoke, log) => runFanout({ mode: 'fanout', ...(smoke ? FANOUT_SMOKE : FANOUT_FULL) }, log),
  ingest: (smoke, log) => runIngest(smoke ? INGEST_SMOKE : INGEST_FULL, log),
  rest: (smoke, log) => runRest(smoke ? REST_SMOKE : REST_FULL, log),
  memory: (smoke, log) => runMemory(smoke ? MEMORY_SMOKE : MEMORY_FULL, log),
  coldstart: (smoke, log) => runColdstart(smoke ? COLDSTART_SMOKE : COLDSTART_FULL, log),
  cluster: (smoke, log) => runFanout({ mode: 'cluster', ...(smoke ? FANOUT_SMOKE : FANOUT_FULL) }, log),
};
const ORDER = ['coldstart', 'ingest', 'rest', 'memory', 'fanout', 'cluster'];

/** Which code the hubs run: a commit (--hub-ref), or the working tree at HEAD plus local changes. */
function hubSource(ref: string | undefined): BenchResult['hub'] {
  if (ref) return { ref, commit: useHubRef(ref), dirty: false };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  return { ref: 'working tree', commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--', 'server', 'shared', 'sql') !== '' };
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { smoke: { type: 'boolean', default: false }, out: { type: 'string' }, 'hub-ref': { type: 'string' } },
  });
  const which = positionals[0] ?? 'all';
  const names = which === 'all' ? ORDER.filter((n) => BENCHES[n]) : [which];
  for (const n of names) if (!BENCHES[n]) throw new Error(`unknown benchmark "${n}": use ${Object.keys(BENCHES).join(', ')} or all`);
  const smoke = values.smoke;
  const hub = hubSource(values['hub-ref']);
  const out = path.resolve(values.out ?? path.join(ROOT, 'bench', 'results', ...(smoke ? ['tmp', 'smoke'] : [])));
  for (const name of names) {
    const startedAt = new Date();
    const machine = machineInfo();
    const log = (s: string) => process.stderr.write(`[${name} ${((Date.now() - startedAt.getTime()) / 1000).toFixed(1)}s] ${s}\n`);
    const part = await BENCHES[name]!(smoke, log);
    writeResult(out, { ...part, hub, bench: name, smoke, startedAt: startedAt.toISOString(), durationS: Math.round((Date.now() - startedAt.getTime()) / 1000), machine });
  }
  // Hub logs of a successful smoke run are of no interest (the integration suite runs one per `npm test`).
  if (smoke) rmSync(LOG_DIR, { recursive: true, force: true });
  else if (existsSync(LOG_DIR)) process.stderr.write(`hub logs: ${path.relative(process.cwd(), LOG_DIR)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    console.error(`hub logs: ${path.relative(process.cwd(), LOG_DIR)}`);
    process.exit(1);
  },
);
