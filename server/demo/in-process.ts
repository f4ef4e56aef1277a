// DEMO_SIMULATOR=true: server/main.ts runs the race simulator next to the hub, against the hub's own
// port, signed in as the demo starter (and the demo chief registrar for seed marks and finals).
// Loaded with a dynamic import only when the flag is set: socket.io-client stays out of a normal hub.
import type { Logger } from 'pino';
import { DEMO_USERS } from '../db/seed.js';
import { startSimulator } from './simulator.js';

const credentials = (email: string) => {
  const user = DEMO_USERS.find((u) => u.email === email);
  if (!user) throw new Error(`no demo user ${email}`);
  return { email: user.email, password: user.password };
};

export function startDemoSimulator(port: number, log: Logger): { stop(): Promise<void> } {
  const sim = startSimulator({
    hubUrl: `http://127.0.0.1:${port}`,
    starter: credentials('starter@athsys.com'),
    organiser: credentials('chief@athsys.com'),
    loop: true,
    log: (message, details) => log.info({ simulator: details ?? {} }, `demo simulator: ${message}`),
  });
  sim.done.then(
    (report) => log.info({ heats: report.heats.length }, 'demo simulator stopped'),
    (err: unknown) => log.error({ err }, 'demo simulator failed (is the demo data loaded? DEMO=true)'),
  );
  return sim;
}
