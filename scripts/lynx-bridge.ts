// The timing bridge, for the timing-room computer (logic and notes: server/lynx/bridge.ts; usage:
// docs/exchange.md). `npm run bridge -- --dir <folder> --hub <url> --token <token> [options]`.
import { parseArgs } from 'node:util';
import { stat } from 'node:fs/promises';
import { LynxBridge } from '../server/lynx/bridge.js';
import { LYNX_ENCODINGS, type LynxEncoding } from '../server/lynx/encoding.js';

const USAGE = `usage: npm run bridge -- --dir <folder> --hub <url> --token <token> [options]

  --dir <folder>          FinishLynx's folder: lynx.evt/sch/ppl are written here, .lif files read here
  --hub <url>             the hub, e.g. http://hub.local:3000
  --token <token>         session token of a starter, chief registrar or admin (or env ATHSYS_TOKEN)
  --meet <id>             the meet (default: the one in the journal, else the hub's only live meet)
  --results-dir <folder>  where FinishLynx writes .lif files, if not --dir
  --encoding <enc>        of the start-list files: utf-8 (default) or windows-1252
  --no-start-lists        only send results; do not write lynx.evt/sch/ppl
  --poll <seconds>        how often the start lists are checked (default 5)
  --rescan <seconds>      how often the results folder is rescanned (default 3)`;

function fail(message: string): never {
  console.error(`lynx-bridge: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        dir: { type: 'string' }, hub: { type: 'string' }, token: { type: 'string' }, meet: { type: 'string' },
        'results-dir': { type: 'string' }, encoding: { type: 'string' }, 'no-start-lists': { type: 'boolean' },
        poll: { type: 'string' }, rescan: { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const token = values.token ?? process.env.ATHSYS_TOKEN;
  if (!values.dir || !values.hub || !token) fail('--dir, --hub and --token are required');
  if (!/^https?:\/\/[^/]+/.test(values.hub)) fail(`--hub must be an http(s) URL, got ${values.hub}`);
  for (const d of [values.dir, values['results-dir']].filter((x): x is string => !!x)) {
    if (!(await stat(d).catch(() => undefined))?.isDirectory()) fail(`${d} is not a folder`);
  }
  const encoding = (values.encoding ?? 'utf-8') as LynxEncoding;
  if (!LYNX_ENCODINGS.includes(encoding)) fail(`--encoding must be ${LYNX_ENCODINGS.join(' or ')}`);
  const seconds = (v: string | undefined, name: string, fallback: number) => {
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isFinite(n) || n <= 0) fail(`--${name} must be a positive number of seconds`);
    return Math.round(n * 1000);
  };
  const meetId = values.meet === undefined ? undefined : Number(values.meet);
  if (meetId !== undefined && !(Number.isInteger(meetId) && meetId > 0)) fail('--meet must be a meet id');

  const bridge = new LynxBridge({
    dir: values.dir, hub: values.hub, token, encoding,
    ...(meetId ? { meetId } : {}),
    ...(values['results-dir'] ? { resultsDir: values['results-dir'] } : {}),
    startLists: !values['no-start-lists'],
    startListPollMs: seconds(values.poll, 'poll', 5),
    rescanMs: seconds(values.rescan, 'rescan', 3),
  });
  await bridge.start();
  console.log(`${new Date().toISOString()} bridge running: ${values['results-dir'] ?? values.dir} -> ${values.hub} (Ctrl+C stops; the queue is kept on disk)`);
  const stop = async (signal: string) => {
    console.log(`${new Date().toISOString()} ${signal}: stopping (${bridge.queued.length} file(s) stay queued for the next run)`);
    await bridge.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`lynx-bridge: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
