import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';

/** Bundles page.ts (and the client it imports) into one ES module for the browser. */
export async function bundleTestPage(): Promise<string> {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      write: false,
      minify: false,
      lib: {
        entry: fileURLToPath(new URL('./page.ts', import.meta.url)),
        formats: ['es'],
        fileName: 'page',
      },
    },
  });
  const outputs = (Array.isArray(output) ? output : [output]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((file) => file.type === 'chunk');
  if (chunk?.type !== 'chunk') throw new Error('vite produced no chunk');
  return chunk.code;
}

export interface PageServer {
  origin: string;
  /** How many requests for `path` reached the API through this server. */
  count(path: string): number;
  close(): Promise<void>;
}

/**
 * Serves the test page and proxies `/trpc` to the Latch server, so page and API share an origin
 * (as `pnpm start` does). `auth.refresh` is held back `refreshDelayMs` so that two tabs that want
 * to refresh at about the same moment really overlap.
 */
export async function servePage(
  script: string,
  apiOrigin: string,
  { refreshDelayMs = 0 } = {},
): Promise<PageServer> {
  const counts = new Map<string, number>();
  const api = new URL(apiOrigin);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/' || url.startsWith('/?') || url === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>latch</title><script type="module" src="/page.js"></script>');
      return;
    }
    if (url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
      return;
    }
    if (!url.startsWith('/trpc/')) {
      res.writeHead(404).end();
      return;
    }
    const paths = (url.slice('/trpc/'.length).split('?')[0] ?? '').split(',');
    for (const path of paths) counts.set(path, (counts.get(path) ?? 0) + 1);
    const delay = paths.includes('auth.refresh') ? refreshDelayMs : 0;
    setTimeout(() => {
      const upstream = request(
        {
          hostname: api.hostname,
          port: api.port,
          path: url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    }, delay);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    count: (path) => counts.get(path) ?? 0,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
