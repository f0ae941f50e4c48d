import { once } from 'node:events';
import { createServer } from 'node:http';

export interface PageServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves one page that loads `script` as an ES module, on 127.0.0.1:`port`. */
export async function servePage(script: string, port: number): Promise<PageServer> {
  const server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        '<!doctype html><title>consumer</title><script type="module" src="/page.js"></script>',
      );
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
