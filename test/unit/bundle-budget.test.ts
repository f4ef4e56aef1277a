import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleCheckError, DEFAULT_BUDGET_BYTES, DEFAULT_DIST, measureInitialJs } from '../../scripts/check-bundle-size.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const temps: string[] = [];

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'athsys-bundle-'));
  temps.push(dir);
  return dir;
}

/** A dist folder shaped like Vite's output. */
async function fakeDist(files: Record<string, string | Buffer>, html: string): Promise<string> {
  const dist = await tempDir();
  await mkdir(path.join(dist, 'assets'), { recursive: true });
  await writeFile(path.join(dist, 'index.html'), html);
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dist, name), content);
  return dist;
}

/** The CLI as package.json runs it: exit code and output. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/check-bundle-size.ts', ...args], { cwd: ROOT });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** The display as built: dist/display when a build is there and whole, else a fresh build. */
async function displayBuild(): Promise<string> {
  if (existsSync(path.join(DEFAULT_DIST, 'index.html'))) {
    try {
      measureInitialJs(DEFAULT_DIST);
      return DEFAULT_DIST;
    } catch (err) {
      if (!(err instanceof BundleCheckError)) throw err; // e.g. a rebuild under way: build our own
    }
  }
  const out = await tempDir();
  await run(path.join(ROOT, 'node_modules', '.bin', 'vite'), ['build', 'display', '--logLevel', 'warn', '--outDir', out, '--emptyOutDir'], { cwd: ROOT });
  return out;
}

afterAll(async () => {
  await Promise.all(temps.map((d) => rm(d, { recursive: true, force: true })));
});

describe('bundle budget of the display (scripts/check-bundle-size.ts)', () => {
  it('keeps the initial JavaScript of the built display within 60 KB gzipped', async () => {
    const dist = await displayBuild();
    const { code, out } = await cli([dist]);
    expect(out).toMatch(/within the budget of 60\.0 KB/);
    expect(code).toBe(0);
    const report = measureInitialJs(dist);
    expect(report.files.length).toBeGreaterThan(0);
    expect(report.totalGzipBytes).toBeLessThanOrEqual(DEFAULT_BUDGET_BYTES);
  }, 120_000);

  it('counts the scripts and module preloads of index.html and their static imports, not lazy chunks', async () => {
    const dist = await fakeDist(
      {
        'assets/entry.js': 'import{a as b}from"./shared.js";import"./side.js";const l=()=>import("./lazy.js");console.log(b,l);',
        'assets/shared.js': 'export const a=1;',
        'assets/side.js': 'console.log("side");',
        'assets/pre.js': 'export const p=2;',
        'assets/lazy.js': 'export const z=3;',
      },
      '<!doctype html><script type="module" crossorigin src="/assets/entry.js"></script><link rel="modulepreload" crossorigin href="/assets/pre.js">',
    );
    const report = measureInitialJs(dist);
    expect(report.files.map((f) => f.file).sort()).toEqual(['assets/entry.js', 'assets/pre.js', 'assets/shared.js', 'assets/side.js']);
    expect(report.totalGzipBytes).toBe(report.files.reduce((s, f) => s + f.gzipBytes, 0));
    expect(report.withinBudget).toBe(true);
  });

  it('fails (exit 1) when the initial JavaScript is over budget', async () => {
    // Random bytes do not compress: 70 KB of them stay over 60 KB gzipped.
    const dist = await fakeDist({ 'assets/big.js': `const x=${JSON.stringify(randomBytes(70_000).toString('latin1'))};` }, '<script type="module" src="/assets/big.js"></script>');
    expect(measureInitialJs(dist).withinBudget).toBe(false);
    const { code, out } = await cli([dist]);
    expect(code).toBe(1);
    expect(out).toMatch(/OVER the budget/);
  }, 30_000);

  it('fails (exit 2) on a missing build or a script the page loads that is not there', async () => {
    const missing = await cli([path.join(await tempDir(), 'nothing')]);
    expect(missing.code).toBe(2);
    const broken = await fakeDist({}, '<script type="module" src="/assets/gone.js"></script>');
    expect(() => measureInitialJs(broken)).toThrow(/missing from the build/);
    expect((await cli([broken])).code).toBe(2);
  }, 30_000);
});
