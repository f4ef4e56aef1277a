// `npm run demo` (tsx scripts/demo.ts): runs the race simulator (server/demo/simulator.ts) against a
// running hub, so that the stadium board (http://127.0.0.1:3000/board/1) and the phone viewer show a
// meet unfolding. Start the hub first (`npm start`); stop the demo with Ctrl-C.
import { parseArgs } from 'node:util';
import { DEMO_MEET_NAME, startSimulator } from '../server/demo/simulator.js';

const USAGE = `Usage: tsx scripts/demo.ts [options]

Runs the demo meet heat after heat through the starter's console: start, results as the runners
finish (from their seed marks, with reaction times and wind), finished, official.

  --url URL              the hub (default http://127.0.0.1:3000)
  --meet NAME            the meet to run (default "${DEMO_MEET_NAME}")
  --meet-id ID           the meet to run, by id
  --speed N              N times faster than real time (default 1)
  --max-race S           no race lasts longer than S seconds on the wall clock (default 45)
  --pause S              seconds between heats (default 25)
  --official-delay S     seconds from the last result to finished, and to official (default 3)
  --heats N              stop after N heats
  --loop                 when the meet is done, keep watching it for new heats (default: stop)
  --seed N               seed of the random numbers (repeatable runs)
  --email E --password P the starter (default the demo starter, starter@athsys.com)
  --organiser-email E --organiser-password P
                         a chief registrar, to read seed marks and draw finals (default the demo
                         chief registrar); --no-organiser to do without (marks are estimated)
  -h, --help             this text`;

function number(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a non-negative number, got "${v}"`);
  return n;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      meet: { type: 'string' },
      'meet-id': { type: 'string' },
      speed: { type: 'string' },
      'max-race': { type: 'string' },
      pause: { type: 'string' },
      'official-delay': { type: 'string' },
      heats: { type: 'string' },
      loop: { type: 'boolean', default: false },
      seed: { type: 'string' },
      email: { type: 'string', default: 'starter@athsys.com' },
      password: { type: 'string', default: 'Starter@123' },
      'organiser-email': { type: 'string', default: 'chief@athsys.com' },
      'organiser-password': { type: 'string', default: 'Chief@123' },
      'no-organiser': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const speed = number(values.speed, 'speed', 1);
  if (speed <= 0) throw new Error('--speed must be more than 0');
  const url = values.url.replace(/\/+$/, '');
  const sim = startSimulator({
    hubUrl: url,
    starter: { email: values.email, password: values.password },
    organiser: values['no-organiser'] ? null : { email: values['organiser-email'], password: values['organiser-password'] },
    ...(values['meet-id'] !== undefined ? { meetId: number(values['meet-id'], 'meet-id', 0) } : {}),
    ...(values.meet !== undefined ? { meetName: values.meet } : {}),
    speed,
    maxRaceMs: number(values['max-race'], 'max-race', 45) * 1000,
    pauseMs: number(values.pause, 'pause', 25) * 1000,
    officialDelayMs: number(values['official-delay'], 'official-delay', 3) * 1000,
    loop: values.loop,
    ...(values.heats !== undefined ? { maxHeats: number(values.heats, 'heats', 0) } : {}),
    ...(values.seed !== undefined ? { seed: number(values.seed, 'seed', 0) } : {}),
    log: (message, details) => console.log(`${new Date().toISOString().slice(11, 19)} ${message}${details ? ` ${JSON.stringify(details)}` : ''}`),
  });
  console.log(`Demo running against ${url}: open ${url}/board/<meet id> (the board) or ${url}/ (phones). Ctrl-C stops.`);
  const stop = () => void sim.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const report = await sim.done;
  console.log(`Done: ${report.heats.length} heat(s) of meet ${report.meetId} run to official.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
