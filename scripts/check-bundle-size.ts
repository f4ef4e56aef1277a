// The phone viewer's budget: at most 60 KB of gzipped JavaScript for the initial load (a slow phone
// network in a full stadium). Measures what a browser fetches before the app can run: every script
// the built index.html loads (<script src>, <link rel="modulepreload">) and, transitively, every
// chunk those import statically (dynamic import() chunks load later and are not counted).
// Each file is gzipped at level 9, as a CDN or `gzip-size` would.
//
//   tsx scripts/check-bundle-size.ts [dist/display] [--budget BYTES]
//
// Exits 0 within budget, 1 over it, 2 when the build is missing or broken (a missing file is never
// "small").
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

/** 60 KB, counted in kilobytes of 1000 bytes (the stricter reading). */
export const DEFAULT_BUDGET_BYTES = 60_000;
export const DEFAULT_DIST = fileURLToPath(new URL('../dist/display/', import.meta.url));

export interface BundleFile {
  /** Path relative to the dist folder, e.g. assets/index-Ab12.js. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface BundleReport {
  dist: string;
  budgetBytes: number;
  files: BundleFile[];
  totalGzipBytes: number;
  withinBudget: boolean;
}

export class BundleCheckError extends Error {}

const SCRIPT_SRC = /<script\b[^>]*\bsrc\s*=\s*["']([^"']+)["'][^>]*>/gi;
const MODULE_PRELOAD = /<link\b(?=[^>]*\brel\s*=\s*["']modulepreload["'])[^>]*\bhref\s*=\s*["']([^"']+)["'][^>]*>/gi;
// Static imports and re-exports in Vite's minified output: `import{a as b}from"./x.js"`,
// `import"./x.js"`, `export*from"./x.js"`. `import("./x.js")` (lazy) does not match.
const STATIC_IMPORT = /(?:^|[;\s{}])(?:import|export)\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.m?js)["']/g;

function isRemote(ref: string): boolean {
  return /^(?:[a-z]+:)?\/\//i.test(ref) || ref.startsWith('data:');
}

/** Where a reference from index.html or a chunk points, as a path inside dist. */
function resolveRef(dist: string, fromFile: string | null, ref: string): string {
  const clean = ref.split(/[?#]/)[0]!;
  if (clean.startsWith('/')) return path.join(dist, clean);
  return path.resolve(fromFile ? path.dirname(fromFile) : dist, clean);
}

/** The initial-load JavaScript of a built app, gzipped. Throws BundleCheckError on a broken build. */
export function measureInitialJs(dist: string, budgetBytes = DEFAULT_BUDGET_BYTES): BundleReport {
  const indexHtml = path.join(dist, 'index.html');
  if (!existsSync(indexHtml)) throw new BundleCheckError(`no build at ${dist} (index.html missing): run the build first`);
  const html = readFileSync(indexHtml, 'utf8');
  const queue: string[] = [];
  for (const re of [SCRIPT_SRC, MODULE_PRELOAD]) {
    for (const m of html.matchAll(re)) if (!isRemote(m[1]!)) queue.push(resolveRef(dist, null, m[1]!));
  }
  if (!queue.length) throw new BundleCheckError(`${indexHtml} loads no script: not a built app`);

  const seen = new Set<string>();
  const files: BundleFile[] = [];
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!path.resolve(file).startsWith(path.resolve(dist))) throw new BundleCheckError(`${file} lies outside ${dist}`);
    if (!existsSync(file)) throw new BundleCheckError(`${path.relative(dist, file)} is loaded by the page but missing from the build`);
    const content = readFileSync(file);
    files.push({ file: path.relative(dist, file), bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length });
    for (const m of content.toString('utf8').matchAll(STATIC_IMPORT)) {
      if (!isRemote(m[1]!)) queue.push(resolveRef(dist, file, m[1]!));
    }
  }
  const totalGzipBytes = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  return { dist, budgetBytes, files, totalGzipBytes, withinBudget: totalGzipBytes <= budgetBytes };
}

export function formatReport(r: BundleReport): string {
  const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
  const lines = r.files.map((f) => `  ${f.file}  ${kb(f.bytes)} raw, ${kb(f.gzipBytes)} gzipped`);
  const verdict = r.withinBudget ? 'within' : 'OVER';
  return [`Initial JavaScript of ${r.dist}:`, ...lines, `  total ${kb(r.totalGzipBytes)} gzipped: ${verdict} the budget of ${kb(r.budgetBytes)}`].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  let code: number;
  try {
    const { values, positionals } = parseArgs({ options: { budget: { type: 'string' } }, allowPositionals: true });
    const budget = values.budget === undefined ? DEFAULT_BUDGET_BYTES : Number(values.budget);
    if (!Number.isInteger(budget) || budget <= 0) throw new BundleCheckError(`--budget needs a positive number of bytes, got "${values.budget}"`);
    const report = measureInitialJs(path.resolve(positionals[0] ?? DEFAULT_DIST), budget);
    console.log(formatReport(report));
    code = report.withinBudget ? 0 : 1;
  } catch (err) {
    console.error(`bundle size check failed: ${err instanceof Error ? err.message : String(err)}`);
    code = 2;
  }
  process.exit(code);
}
