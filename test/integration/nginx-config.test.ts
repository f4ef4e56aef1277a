import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PRODUCTION_CONFIGS } from '../../scripts/render-nginx.js';
import { NGINX_DIR } from '../../nginx/render.js';
import { NGINX_BIN } from '../../scripts/cluster/nginx.js';
import { IN_CI } from '../helpers/services.js';

describe('production nginx configurations', () => {
  it('are exactly what nginx/render.ts produces (run npm run nginx:render after changing it)', () => {
    for (const [name, text] of Object.entries(PRODUCTION_CONFIGS)) expect(readFileSync(path.join(NGINX_DIR, name), 'utf8')).toBe(text);
  });

  it('carry what Socket.IO behind a proxy needs', () => {
    const conf = PRODUCTION_CONFIGS['athsys.conf'];
    expect(conf).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(conf).toMatch(/proxy_http_version 1\.1;/);
    expect(conf).toMatch(/hash \$athsys_route consistent;/);
    expect(conf).not.toMatch(/ip_hash/);
    const timeout = Number(/proxy_read_timeout (\d+)s/.exec(conf)![1]);
    expect(timeout).toBeGreaterThan(20 + 20); // ping interval + ping timeout (server/live/io.ts)
    expect(conf).toMatch(/listen 443 ssl/);
    expect(conf).toMatch(/return 301 https/);
    expect(conf).toMatch(/immutable/);
    expect(conf).toMatch(/gzip on;/);
  });

  it.skipIf(!NGINX_BIN && !IN_CI)('pass `nginx -t` (with a throwaway certificate)', () => {
    if (!NGINX_BIN) throw new Error('CI=true but nginx is missing');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'athsys-nginx-t-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'pipe' });
      for (const [name, text] of Object.entries(PRODUCTION_CONFIGS)) {
        const conf = text
          .replace(/ssl_certificate (\S+);/, `ssl_certificate ${dir}/cert.pem;`)
          .replace(/ssl_certificate_key (\S+);/, `ssl_certificate_key ${dir}/key.pem;`)
          .replace(/\/etc\/nginx\/athsys-errors/g, path.join(NGINX_DIR, 'errors'))
          .replace(/\/var\/log\/nginx\//g, `${dir}/`)
          .replace(/hub:3000/g, '127.0.0.1:3000')
          .replace('http {', `pid ${dir}/nginx.pid;\nhttp {\n  client_body_temp_path ${dir}/cb; proxy_temp_path ${dir}/px; fastcgi_temp_path ${dir}/fc; uwsgi_temp_path ${dir}/uw; scgi_temp_path ${dir}/sc;`);
        writeFileSync(`${dir}/${name}`, conf);
        execFileSync(NGINX_BIN, ['-t', '-q', '-p', dir, '-c', `${dir}/${name}`], { stdio: 'pipe' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
