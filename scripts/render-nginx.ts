// npm run nginx:render: writes the production nginx configurations from nginx/render.ts.
//   nginx/athsys.conf   bare metal: hubs on 127.0.0.1:3001-3003 (systemd units in DEPLOYMENT.md), TLS on 443
//   nginx/compose.conf  docker-compose: the `hub` service's replicas, TLS on 443
// A test fails when these files and the renderer disagree.
import { writeFileSync } from 'node:fs';
import { NGINX_DIR, renderNginxConfig } from '../nginx/render.js';

export const PRODUCTION_CONFIGS = {
  'athsys.conf': renderNginxConfig({
    upstreams: ['127.0.0.1:3001', '127.0.0.1:3002', '127.0.0.1:3003'],
    listen: 80,
    tls: { serverName: 'results.example.org', certificate: '/etc/letsencrypt/live/results.example.org/fullchain.pem', certificateKey: '/etc/letsencrypt/live/results.example.org/privkey.pem' },
    errorsDir: '/etc/nginx/athsys-errors',
  }),
  'compose.conf': renderNginxConfig({
    // Docker's DNS answers with every replica of the service; nginx takes them all at start.
    upstreams: ['hub:3000'],
    listen: 80,
    tls: { serverName: '_', certificate: '/etc/nginx/certs/fullchain.pem', certificateKey: '/etc/nginx/certs/privkey.pem' },
    errorsDir: '/etc/nginx/athsys-errors',
  }),
};

if (process.argv[1]?.endsWith('render-nginx.ts')) {
  for (const [name, text] of Object.entries(PRODUCTION_CONFIGS)) writeFileSync(`${NGINX_DIR}${name}`, text);
  console.log(`wrote ${Object.keys(PRODUCTION_CONFIGS).map((n) => `nginx/${n}`).join(', ')}`);
}
