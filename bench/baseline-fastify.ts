// The REST baseline: a bare Fastify 5 app serving the hub's own JSON from memory, with the routes'
// shapes (`/api/heats/:id`, `/api/meets/:id/events`) and Fastify's defaults (no logger, no hooks, no
// schema: JSON.stringify). Driven over IPC: { type: 'routes', routes: { [path]: json } } -> 'ready'.
import Fastify from 'fastify';

process.once('message', (msg: { type: string; routes: Record<string, unknown> }) => {
  void (async () => {
    const app = Fastify();
    for (const [path, body] of Object.entries(msg.routes)) {
      const pattern = path.replace(/\/\d+(?=\/|$)/g, '/:id');
      app.get(pattern, async () => body);
    }
    await app.listen({ host: '127.0.0.1', port: 0 });
    process.send!({ type: 'ready', port: (app.server.address() as { port: number }).port });
  })();
});
process.on('disconnect', () => process.exit(0));
