import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyRequestLogger } from '../src/lazy-request-logger.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A Fastify app whose pino logger writes JSON lines into `lines`. */
function appLogging(level: string, lines: Record<string, unknown>[]) {
  const stream = { write: (line: string) => lines.push(JSON.parse(line)) };
  app = Fastify({
    logger: { level, stream },
    childLoggerFactory: lazyRequestLogger,
    // As Latch: the per-request lines only at debug.
    logController: new LogController({ disableRequestLogging: level !== 'debug' }),
  });
  return app;
}

describe('lazyRequestLogger', () => {
  it('writes what a request logs with its request id, as Fastify’s own child logger does', async () => {
    const lines: Record<string, unknown>[] = [];
    const server = appLogging('debug', lines);
    server.get('/', async (request) => {
      request.log.warn({ user: 'u1' }, 'looked at');
      request.log.child({ step: 'inner' }).info('nested');
      return { ok: true };
    });
    const response = await server.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    const reqId = lines[0]?.reqId;
    expect(reqId).toEqual(expect.any(String));
    expect(lines.map((line) => [line.msg, line.reqId])).toEqual([
      ['incoming request', reqId],
      ['looked at', reqId],
      ['nested', reqId],
      ['request completed', reqId],
    ]);
    expect(lines[1]).toMatchObject({ level: 40, user: 'u1' });
    expect(lines[2]).toMatchObject({ step: 'inner' });
  });

  it('makes no child logger for a request that writes nothing, and honours the level', async () => {
    const lines: Record<string, unknown>[] = [];
    const server = appLogging('warn', lines);
    let children = 0;
    const child = server.log.child.bind(server.log);
    server.log.child = (...args) => {
      children += 1;
      return child(...args);
    };
    server.get('/nothing', async (request) => ({ level: request.log.level }));
    server.get('/quiet', async (request) => {
      request.log.info('below the level');
      return {};
    });
    server.get('/loud', async (request) => {
      request.log.error('at the level');
      return {};
    });
    await server.ready();
    children = 0;
    const nothing = await server.inject({ method: 'GET', url: '/nothing' });
    expect(nothing.json()).toEqual({ level: 'warn' });
    expect(children).toBe(0);
    await server.inject({ method: 'GET', url: '/quiet' });
    await server.inject({ method: 'GET', url: '/loud' });
    expect(children).toBe(2); // one per request that wrote; pino still decides what is kept
    expect(lines.map((line) => line.msg)).toEqual(['at the level']);
    expect(lines[0]?.reqId).toEqual(expect.any(String));
  });
});
