// Short and long variants of the reliability suites (chaos, fuzz, soak). `npm test` runs the short
// ones; LONG=1 (npm run test:chaos, test:fuzz, test:soak) the long ones. Each suite writes its figures
// to test-results/reliability/<suite>.json; RELIABILITY.md quotes those of the last long run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const LONG = ['1', 'true', 'yes'].includes(process.env.LONG ?? '');

/** The short value under `npm test`, the long one under LONG=1. */
export const sized = <T>(short: T, long: T): T => (LONG ? long : short);

const DIR = fileURLToPath(new URL('../../test-results/reliability/', import.meta.url));

/** Records a suite's figures (and prints them): which variant ran, when, and what it counted. */
export function reportFigures(suite: string, figures: Record<string, unknown>): void {
  const record = { suite, variant: LONG ? 'long' : 'short', at: new Date().toISOString(), ...figures };
  mkdirSync(DIR, { recursive: true });
  writeFileSync(`${DIR}${suite}${LONG ? '' : '.short'}.json`, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`[${suite}] ${JSON.stringify(record)}`);
}
