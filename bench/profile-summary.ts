// `tsx bench/profile-summary.ts <file.cpuprofile> [top] [function]`: self time by function and by
// package/file, from a V8 CPU profile (node --cpu-prof; BENCH_CPU_PROF=<dir> makes every bench hub
// write one). With a function name: where the time of that function comes from (its call stacks,
// by the nearest caller outside node: internals, and by the nearest caller in server/ or shared/).
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, focus] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const where = (url: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:') || !url) return url || '(native)';
  return url.replace(/^file:\/\/.*?\/(server|shared|bench)\//, '$1/');
};
const fnKey = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

const fns = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id)!;
  fns.set(fnKey(n), (fns.get(fnKey(n)) ?? 0) + us);
  const f = n.callFrame.url ? where(n.callFrame.url) : n.callFrame.functionName;
  files.set(f, (files.get(f) ?? 0) + us);
}
const show = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
};
console.log(`profile ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s, sampled ${(total / 1e6).toFixed(1)} s`);
show('self time by package / file', files);
show('self time by function', fns);

if (focus) {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const viaLib = new Map<string, number>();
  const viaApp = new Map<string, number>();
  for (const [id, us] of self) {
    if (byId.get(id)!.callFrame.functionName !== focus) continue;
    let lib: string | undefined;
    let app: string | undefined;
    for (let at = parent.get(id); at != null; at = parent.get(at)) {
      const n = byId.get(at)!;
      const w = where(n.callFrame.url);
      if (!lib && n.callFrame.url && !w.startsWith('node:')) lib = fnKey(n);
      if (!app && /^(server|shared)\//.test(w)) app = fnKey(n);
      if (lib && app) break;
    }
    viaLib.set(lib ?? '(none)', (viaLib.get(lib ?? '(none)') ?? 0) + us);
    viaApp.set(app ?? '(none)', (viaApp.get(app ?? '(none)') ?? 0) + us);
  }
  show(`${focus}: nearest caller outside node internals`, viaLib);
  show(`${focus}: nearest caller in server/ or shared/`, viaApp);
}
