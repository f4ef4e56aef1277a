// The one nginx configuration of AthSys Live, rendered for production (nginx/athsys.conf, TLS) and
// for the local cluster and its tests (loopback, a temp prefix). Both come from this function, so a
// rule written here holds everywhere.
//
// Stickiness: Socket.IO's polling transport sends several HTTP requests per session; they must reach
// the process that holds the session. ip_hash would pile a whole stadium behind one NAT address onto
// one process, so instead every browser gets a random route key in a cookie (nginx's $request_id on
// its first /socket.io/ request) and requests are spread by a consistent hash of that key. Thousands
// of phones behind one address spread over every process; when a process dies, only its keys move.
import { fileURLToPath } from 'node:url';

export const NGINX_DIR = fileURLToPath(new URL('./', import.meta.url));

export interface NginxOptions {
  /** host:port pairs of the hub processes. */
  upstreams: string[];
  /** What the plain-HTTP server listens on, e.g. 80 or 127.0.0.1:8080. */
  listen: string | number;
  /** Production: a TLS server on 443 and a redirect from plain HTTP (ACME challenges excepted). */
  tls?: { serverName: string; certificate: string; certificateKey: string };
  /** Folder for pid, logs and temp files (the local cluster); production uses nginx's own. */
  prefix?: string;
  workerProcesses?: number | 'auto';
  mimeTypes?: string;
  errorsDir?: string;
}

// Socket.IO pings every 20 s and waits 20 s for the answer (server/live/io.ts): a proxy timeout
// above 40 s never cuts a healthy connection.
const PROXY_READ_TIMEOUT_S = 60;

const proxyHeaders = `
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      # Overwritten, not appended: a client cannot smuggle a forged address past the hub's rate limits.
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-Id $request_id;`;

function locations(errorsDir: string): string {
  return `
    location /socket.io/ {
      proxy_pass http://athsys_live;${proxyHeaders}
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout ${PROXY_READ_TIMEOUT_S}s;
      proxy_send_timeout ${PROXY_READ_TIMEOUT_S}s;
      proxy_buffering off;
      proxy_next_upstream error timeout http_502 http_503;
      add_header Set-Cookie $athsys_route_cookie;
    }

    # Built assets are named after their content: cache them for a year.
    location ~ ^/(console/)?assets/ {
      proxy_pass http://athsys_api;${proxyHeaders}
      proxy_set_header Connection "";
      proxy_hide_header Cache-Control;
      add_header Cache-Control "public, max-age=31536000, immutable" always;
    }

    location / {
      proxy_pass http://athsys_api;${proxyHeaders}
      proxy_set_header Connection "";
      proxy_read_timeout ${PROXY_READ_TIMEOUT_S}s;
      # Only failures to connect are retried elsewhere for writes (nginx never resends a request a
      # process may have received); result writes carry idempotency keys and clients retry them.
      proxy_next_upstream error timeout http_502 http_503;
    }

    error_page 502 503 504 =503 /_athsys/503.html;
    location = /_athsys/503.html {
      internal;
      alias ${errorsDir}/503.html;
      add_header Retry-After 5 always;
      add_header Cache-Control "no-store" always;
      add_header X-Content-Type-Options nosniff always;
    }`;
}

export function renderNginxConfig(o: NginxOptions): string {
  const p = o.prefix;
  const errorsDir = o.errorsDir ?? `${NGINX_DIR}errors`;
  const servers = (extra: string) => o.upstreams.map((u) => `    server ${u}${extra};`).join('\n');
  const tlsServer = o.tls
    ? `
  server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name ${o.tls.serverName};
    ssl_certificate ${o.tls.certificate};
    ssl_certificate_key ${o.tls.certificateKey};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers off;
    ssl_session_cache shared:athsys_tls:10m;
    ssl_session_timeout 1d;
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
${locations(errorsDir)}
  }
`
    : '';
  const plainBody = o.tls
    ? `
    server_name ${o.tls.serverName};
    location /.well-known/acme-challenge/ { root /var/www/acme; }
    location / { return 301 https://$host$request_uri; }`
    : locations(errorsDir);

  return `# AthSys Live behind nginx. Rendered by nginx/render.ts: change that file, not this output.
worker_processes ${o.workerProcesses ?? 'auto'};
${p ? `pid ${p}/nginx.pid;\nerror_log ${p}/error.log warn;` : 'error_log /var/log/nginx/error.log warn;'}
events {
  worker_connections 16384;
}
http {
  include ${o.mimeTypes ?? '/etc/nginx/mime.types'};
  default_type application/octet-stream;
  ${p ? `access_log ${p}/access.log;
  client_body_temp_path ${p}/client_body;
  proxy_temp_path ${p}/proxy;
  fastcgi_temp_path ${p}/fastcgi;
  uwsgi_temp_path ${p}/uwsgi;
  scgi_temp_path ${p}/scgi;` : 'access_log /var/log/nginx/access.log;'}
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  server_tokens off;
  client_max_body_size 2m;

  gzip on;
  gzip_vary on;
  gzip_min_length 1024;
  gzip_proxied any;
  gzip_types text/plain text/css text/csv application/javascript application/json image/svg+xml;

  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' close;
  }
  # The route key: the browser's cookie, or a new random one on its first Socket.IO request.
  map $cookie_athsys_route $athsys_route {
    '' $request_id;
    default $cookie_athsys_route;
  }
  map $cookie_athsys_route $athsys_route_cookie {
    '' "athsys_route=$request_id; Path=/socket.io/; HttpOnly; SameSite=Lax${o.tls ? '; Secure' : ''}";
    default '';
  }

  upstream athsys_live {
    hash $athsys_route consistent;
${servers(' max_fails=1 fail_timeout=5s')}
    keepalive 32;
  }
  # max_fails=0: a hub's own 503 (its database is down, it is shutting down) is an answer, not a failure
  # of the hub. Counted, every hub refusing at once (PostgreSQL down) got them all marked down: nginx
  # answered with its HTML page instead of their JSON error, and went on refusing for fail_timeout
  # after the database was back. A request still moves to the next hub on a refused connection, and
  # least_conn steers new requests away from a hung hub (its requests pile up as open connections).
  upstream athsys_api {
    least_conn;
${servers(' max_fails=0')}
    keepalive 64;
  }
${tlsServer}
  server {
    listen ${o.listen};
${plainBody}
  }
}
`;
}
