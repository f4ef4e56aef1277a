// A local cluster without containers: K hub processes on loopback sharing PostgreSQL and Redis,
// nginx in front. `npm run cluster` runs it; the scale-out and chaos tests start it too.
import { freePort, startHub, type HubProcess } from './hub-process.js';
import { startNginx, type LocalNginx } from './nginx.js';

export interface ClusterOptions {
  hubs?: number;
  /** nginx's port (default: a free one). */
  port?: number;
  /** Environment of every hub: DATABASE_URL and REDIS_URL at least. */
  env: Record<string, string>;
  echo?: boolean;
}

export interface Cluster {
  url: string;
  nginx: LocalNginx;
  hubs: (HubProcess | null)[];
  ports: number[];
  /** Stops hub i (SIGTERM by default, SIGKILL for a crash) and waits for it to exit. */
  stopHub(i: number, signal?: NodeJS.Signals): Promise<number | null>;
  /** Starts hub i again on its port. */
  startHub(i: number): Promise<HubProcess>;
  stop(): Promise<void>;
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const count = o.hubs ?? 3;
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const hubs: (HubProcess | null)[] = [];
  // The first hub migrates alone; the others then start together (the advisory lock would serialise them anyway).
  hubs.push(await startHub(o.env, { port: ports[0]!, echo: o.echo }));
  hubs.push(...(await Promise.all(ports.slice(1).map((port) => startHub(o.env, { port, echo: o.echo })))));
  const nginx = await startNginx(o.port ?? (await freePort()), ports.map((p) => `127.0.0.1:${p}`));
  return {
    url: nginx.url, nginx, hubs, ports,
    async stopHub(i, signal = 'SIGTERM') {
      const h = hubs[i];
      if (!h) return null;
      hubs[i] = null;
      return h.stop(signal);
    },
    async startHub(i) {
      const h = await startHub(o.env, { port: ports[i]!, echo: o.echo });
      hubs[i] = h;
      return h;
    },
    async stop() {
      await nginx.stop();
      await Promise.all(hubs.flatMap((h) => (h ? [h.stop('SIGTERM')] : [])));
    },
  };
}
