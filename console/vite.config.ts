// Built into dist/console and served by the hub under /console/ (server/http/static.ts).
// `npm run dev:console` serves it with hot reload and forwards the API to a hub on port 3000.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const hub = 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/console/',
  plugins: [svelte()],
  build: { outDir: '../dist/console', emptyOutDir: true },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: { '/api': hub, '/socket.io': { target: hub, ws: true } },
  },
});
