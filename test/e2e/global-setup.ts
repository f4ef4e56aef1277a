// Browser tests run against the built front ends, as users meet them: build both apps once per run.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  if (process.env.E2E_SKIP_BUILD === '1') return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: fileURLToPath(new URL('../../', import.meta.url)), stdio: 'inherit' });
}
