// A small HTTP/1.1 load generator (a forked process, driven over IPC): N keep-alive connections on
// raw sockets, each sending the next GET as soon as the previous response is complete (closed loop,
// like autocannon). Raw sockets instead of fetch/undici keep the generator's own CPU cost low: on a
// 2-core machine it shares the CPUs with the server it measures.
import net from 'node:net';
import { now } from './lib/util.js';

interface RunMsg {
  type: 'run';
  port: number;
  paths: string[];
  connections: number;
  durationMs: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

function runConnection(m: RunMsg, until: number, out: { latencies: number[]; non2xx: number; errors: number; bytes: number }, index: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: m.port, noDelay: true });
    let buf: Buffer = Buffer.alloc(0);
    let sentAt = 0;
    let n = index;
    const send = () => {
      const path = m.paths[n++ % m.paths.length]!;
      sentAt = now();
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${m.port}\r\nAccept: application/json\r\nConnection: keep-alive\r\n\r\n`);
    };
    const finish = () => {
      socket.destroy();
      resolve();
    };
    socket.on('connect', send);
    socket.on('error', () => {
      out.errors++;
      finish();
    });
    socket.on('close', finish);
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      for (;;) {
        const end = buf.indexOf(HEADER_END);
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const status = Number(head.slice(9, 12));
        const len = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        let total: number;
        if (len) {
          total = end + 4 + Number(len[1]);
          if (buf.length < total) return;
        } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
          const term = buf.indexOf('\r\n0\r\n\r\n', end);
          if (term < 0) return;
          total = term + 7;
        } else {
          out.errors++;
          return finish();
        }
        out.latencies.push(now() - sentAt);
        out.bytes += total;
        if (status < 200 || status > 299) out.non2xx++;
        buf = buf.subarray(total);
        if (now() >= until) return finish();
        send();
      }
    });
  });
}

process.on('message', (m: RunMsg) => {
  if (m.type !== 'run') return;
  const out = { latencies: [] as number[], non2xx: 0, errors: 0, bytes: 0 };
  const t0 = now();
  const until = t0 + m.durationMs;
  void Promise.all(Array.from({ length: m.connections }, (_, i) => runConnection(m, until, out, i))).then(() => {
    process.send!({ type: 'run', requests: out.latencies.length, latencies: Float64Array.from(out.latencies), non2xx: out.non2xx, errors: out.errors, bytes: out.bytes, seconds: (now() - t0) / 1000 });
  });
});
process.on('disconnect', () => process.exit(0));
