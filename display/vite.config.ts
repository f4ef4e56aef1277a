// Built into dist/display and served by the hub at / (server/http/static.ts).
// `npm run dev:display` serves it with hot reload and forwards the API to a hub on port 3000.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const hub = 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/',
  plugins: [svelte()],
  build: { outDir: '../dist/display', emptyOutDir: true },
  server: {
    host: '127.0.0.1',
    port: 5174,
    strictPort: true,
    proxy: { '/api': hub, '/socket.io': { target: hub, ws: true } },
  },
});
