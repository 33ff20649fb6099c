// A tiny static file server for the built app (dist/).
//
// Used by the e2e suite and the browser benchmark (started in-process on a free port), and by
// `scripts/run` to serve the release build:
//
//   node tests/e2e/server.mjs [--root dist] [--host 127.0.0.1] [--port 8080]
//
// It serves .wasm as application/wasm (required for WebAssembly.instantiateStreaming), answers
// unknown paths without an extension with index.html, and never caches.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Start serving `root`. Resolves to { server, url, port } once listening.
 * port 0 (the default) picks a free port.
 */
export function startServer({ root = path.join(REPO_ROOT, 'dist'), host = '127.0.0.1', port = 0 } = {}) {
  const rootAbs = path.resolve(root);
  if (!fs.existsSync(path.join(rootAbs, 'index.html'))) {
    return Promise.reject(new Error(`${rootAbs}/index.html not found: build the app first (trunk build --release)`));
  }
  const server = http.createServer((req, res) => {
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end('bad request');
      return;
    }
    let file = path.normalize(path.join(rootAbs, pathname));
    if (!file.startsWith(rootAbs)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file) && path.extname(pathname) === '') file = path.join(rootAbs, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${pathname}`);
        return;
      }
      res.writeHead(200, {
        'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolve({ server, port: actual, url: `http://${host}:${actual}` });
    });
  });
}

// CLI: serve until killed.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opt = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
  };
  const root = opt('root', path.join(REPO_ROOT, 'dist'));
  const host = opt('host', '127.0.0.1');
  const port = Number(opt('port', '8080'));
  startServer({ root, host, port }).then(
    ({ url }) => {
      console.log(`ec2lab is running at ${url}`);
      console.log('(serving ' + path.resolve(root) + '; press Ctrl-C to stop)');
    },
    (err) => {
      console.error(`error: cannot serve ${root} on ${host}:${port}: ${err.message}`);
      process.exit(1);
    },
  );
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
}
