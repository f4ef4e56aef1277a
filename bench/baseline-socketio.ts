// The fan-out and memory baseline: a bare Socket.IO 4.8 server, what a team would write without the
// hub. Same engine options as the hub (server/live/io.ts): WebSocket + polling, no per-message
// deflate, same ping timings. On the same trigger as the hub (a console's `result:submit` on
// /console) it acknowledges and emits a payload of the same size (a real heat snapshot taken from
// the hub, with a new version) to the heat's room on /live. No database, no Redis, no validation.
// Driven over IPC: { type: 'template', payload } and { type: 'memory' } (with --expose-gc).
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, {
  serveClient: false,
  transports: ['websocket', 'polling'],
  perMessageDeflate: false,
  pingInterval: 20_000,
  pingTimeout: 20_000,
  maxHttpBufferSize: 256 * 1024,
});

let template: Record<string, unknown> = {};
let version = 0;

const live = io.of('/live');
live.on('connection', (socket) => {
  socket.on('subscribe', async (req: { heatId: number }, ack: (res: unknown) => void) => {
    await socket.join(`heat:${req.heatId}`);
    ack({ ok: true, data: { ...template, heatId: req.heatId, version } });
  });
});

io.of('/console').on('connection', (socket) => {
  socket.on('result:submit', (req: { heatId: number }, ack: (res: unknown) => void) => {
    version++;
    ack({ ok: true, data: { version } });
    live.to(`heat:${req.heatId}`).emit('heat:update', { ...template, heatId: req.heatId, version });
  });
});

process.on('message', (msg: { type: string; payload?: Record<string, unknown> }) => {
  if (msg.type === 'template') {
    template = msg.payload ?? {};
    process.send!({ type: 'template' });
  } else if (msg.type === 'memory') {
    for (let i = 0; i < 3; i++) globalThis.gc?.();
    process.send!({ type: 'memory', gc: typeof globalThis.gc === 'function', ...process.memoryUsage() });
  }
});
process.on('disconnect', () => process.exit(0));

http.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
  process.send!({ type: 'ready', port: (http.address() as { port: number }).port });
});
