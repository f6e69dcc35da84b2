// Serves the built web app (dist/) and forwards /api/<service>/... to the services, so that the browser sees
// one origin for the app and its APIs (no CORS on the services; docs/architecture.md, "Web client").
// Used by deploy/local/stack at http://127.0.0.1:5173; the web image's nginx (deploy/web/nginx.conf) has the same routes.
// No dependencies: node:http only. Logs one line per failed upstream call, never headers or bodies.
import { createServer, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const env = process.env;
const HOST = env.WEB_HOST || '127.0.0.1';
const PORT = Number(env.WEB_PORT || 5173);
const DIST = env.WEB_DIST || new URL('../dist/', import.meta.url).pathname;
const ISSUER = (env.OIDC_AUTH_SERVER_URL || 'http://127.0.0.1:8180/realms/secureconnect').replace(/\/$/, '');
const CLIENT_ID = env.WEB_OIDC_CLIENT_ID || 'secureconnect-web';
// Presigned upload/download URLs point at the object store, which the browser reaches directly.
const S3_ORIGIN = env.WEB_S3_ORIGIN || `http://127.0.0.1:${env.S3_PORT || 8333}`;
const upstreamHost = '127.0.0.1';
const UPSTREAMS = {
  identity: Number(env.IDENTITY_HTTP_PORT || 8081),
  relay: Number(env.RELAY_HTTP_PORT || 8082),
  wallet: Number(env.WALLET_HTTP_PORT || 8083),
  media: Number(env.MEDIA_HTTP_PORT || 8084),
  payment: Number(env.PAYMENT_HTTP_PORT || 8085),
};

const issuerOrigin = new URL(ISSUER).origin;
// Strict CSP (issue 16 item 8): only this origin's scripts (and WebAssembly for libsodium), no inline script
// or style, no framing; network only to this origin, the OIDC provider and the object store.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  `connect-src 'self' ${issuerOrigin} ${S3_ORIGIN}`,
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  `form-action 'self' ${issuerOrigin}`,
].join('; ');
const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin-allow-popups',
  'Permissions-Policy': 'camera=(self), microphone=(self), geolocation=()',
};
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.json': 'application/json', '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm', '.txt': 'text/plain; charset=utf-8', '.png': 'image/png', '.ico': 'image/x-icon',
};
const CONFIG_JSON = JSON.stringify({ issuer: ISSUER, clientId: CLIENT_ID });

function route(url) {
  const m = /^\/api\/(identity|relay|wallet|media|payment)(\/.*)?$/.exec(url.split('?')[0]);
  if (!m) return null;
  const q = url.indexOf('?');
  return { port: UPSTREAMS[m[1]], path: (m[2] || '/') + (q >= 0 ? url.slice(q) : '') };
}

function forwardHeaders(req, port) {
  const h = { ...req.headers, host: `${upstreamHost}:${port}` };
  // Same origin as far as the services are concerned: they never see the browser's Origin.
  delete h.origin;
  delete h.referer;
  return h;
}

function proxy(req, res, target) {
  const up = httpRequest({ host: upstreamHost, port: target.port, method: req.method, path: target.path,
    headers: forwardHeaders(req, target.port) }, (upRes) => {
    res.writeHead(upRes.statusCode || 502, upRes.headers);
    upRes.pipe(res);
  });
  up.on('error', (e) => {
    console.error(`upstream ${target.port} ${req.method} ${target.path.split('?')[0]}: ${e.code || e.message}`);
    if (!res.headersSent) {
      res.writeHead(502, { 'Content-Type': 'application/problem+json' });
      res.end(JSON.stringify({ status: 502, code: 'UPSTREAM_UNAVAILABLE', title: 'Service unavailable' }));
    } else res.destroy();
  });
  req.pipe(up);
}

function serveStatic(req, res) {
  const pathname = decodeURIComponent(req.url.split('?')[0]);
  if (pathname === '/config.json') {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    return res.end(CONFIG_JSON);
  }
  let file = normalize(join(DIST, pathname));
  if (!file.startsWith(normalize(DIST))) { res.writeHead(400); return res.end(); }
  // Client-side routes (and the OIDC redirect "/?code=…") get index.html.
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(DIST, 'index.html');
  const hashed = /\/assets\//.test(file);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
    'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}

if (!existsSync(join(DIST, 'index.html'))) {
  console.error(`no build in ${DIST}: run "npm ci && npm run build" in clients/web`);
  process.exit(2);
}

const server = createServer((req, res) => {
  const target = route(req.url || '/');
  if (target) return proxy(req, res, target);
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405); return res.end(); }
  serveStatic(req, res);
});

// WebSocket upgrades (the relay): replay the request head to the service, then splice the two sockets.
server.on('upgrade', (req, socket, head) => {
  const target = route(req.url || '/');
  if (!target) return socket.destroy();
  const up = connect(target.port, upstreamHost, () => {
    const headers = forwardHeaders(req, target.port);
    let head_ = `${req.method} ${target.path} HTTP/1.1\r\n`;
    for (const [k, v] of Object.entries(headers)) {
      for (const value of Array.isArray(v) ? v : [v]) head_ += `${k}: ${value}\r\n`;
    }
    up.write(head_ + '\r\n');
    if (head && head.length) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  const close = () => { up.destroy(); socket.destroy(); };
  up.on('error', close);
  socket.on('error', close);
});

server.listen(PORT, HOST, () => {
  console.log(`web app on http://${HOST}:${PORT}/ (issuer ${ISSUER}; build ${readFileSync(join(DIST, 'build-manifest.json'), 'utf8').trim()})`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { server.close(() => process.exit(0)); server.closeAllConnections(); });
