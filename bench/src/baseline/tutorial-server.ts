/**
 * The baseline: the Flask tutorial's token check, ported as literally as is fair. Tokens live in
 * Redis as `token<id>` keys; every check runs `KEYS token*`, looks for the presented token's key
 * in the answer, then compares its value. No JWT, no framework: only the design's cost.
 * Run as its own process (REDIS_URL, PORT) so it does not share an event loop with the load
 * generator, like the Latch server it is compared with.
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const port = Number(process.env.PORT ?? 0);

const server = createServer((req, res) => {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.url === '/healthz') return send(200, { status: 'ok' });
  if (req.url !== '/me') return send(404, { error: 'not found' });
  // Bearer <id>.<secret>
  const [id, secret] = (req.headers.authorization ?? '').replace(/^Bearer /, '').split('.');
  check(id ?? '', secret ?? '').then(
    (ok) => (ok ? send(200, { user: { id } }) : send(401, { error: 'invalid token' })),
    () => send(503, { error: 'store unavailable' }),
  );
});

/** The tutorial's check: every key named token*, then the one that matches. */
async function check(id: string, secret: string): Promise<boolean> {
  const keys = await redis.keys('token*');
  if (!keys.includes(`token${id}`)) return false;
  return (await redis.get(`token${id}`)) === secret;
}

server.listen(port, '127.0.0.1');
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    redis.disconnect();
    process.exit(0);
  });
}
