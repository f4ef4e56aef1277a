// Built into dist/display and served by the hub at / (server/http/static.ts).
// `npm run dev:display` serves it with hot reload and forwards the API to a hub on port 3000.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const hub = 'http://127.0.0.1:3000';

// shared/schemas/* only declare zod schemas; the display takes types and a few constants from them
// (shared/time.ts reads MAX_TIME_MS there). Declaring those modules free of side effects lets the
// bundler drop every unused schema, and with them zod (~25 KB gzipped of a 60 KB budget).
const SCHEMA_MODULE = /[\\/]shared[\\/]schemas[\\/]/;

export default defineConfig({
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: '../dist/display',
    emptyOutDir: true,
    rolldownOptions: { treeshake: { moduleSideEffects: (id: string) => !SCHEMA_MODULE.test(id) } },
  },
  server: {
    host: '127.0.0.1',
    port: 5174,
    strictPort: true,
    proxy: { '/api': hub, '/socket.io': { target: hub, ws: true } },
  },
});
