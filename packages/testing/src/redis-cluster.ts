import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from './free-port.js';

export interface RedisCluster {
  /** `127.0.0.1:p1,127.0.0.1:p2,…`: the form `REDIS_CLUSTER_NODES` takes. */
  nodes: string;
  /** The masters' client ports, in the order `redis-cli --cluster create` got them. */
  ports: number[];
  /** Kills every node and removes their directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface RedisClusterOptions {
  /** Number of masters (no replicas); Redis Cluster needs at least 3. */
  masters?: number;
  /** Upper bound for start-up, from the first spawn to `cluster_state:ok` everywhere. */
  timeoutMs?: number;
}

const STOP_GRACE_MS = 2_000;

/**
 * A private Redis Cluster of `masters` (default 3) redis-server processes on free loopback ports,
 * joined with `redis-cli --cluster create … --cluster-replicas 0`. Resolves once every node reports
 * `cluster_state:ok`. Nothing is persisted (`--save ''`, no AOF); `stop()` removes the temp dir.
 *
 * Each node's cluster bus gets its own free port (`--cluster-port`) instead of the default
 * port + 10000, which may be taken or above 65535 for a high ephemeral port.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masters = options.masters ?? 3;
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (masters < 3) throw new Error('a Redis Cluster needs at least 3 masters');
  const dir = mkdtempSync(path.join(tmpdir(), 'latch-redis-cluster-'));
  const children: ChildProcess[] = [];
  const logs = new Map<number, string>();
  const ports: number[] = [];

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(children.map(terminate));
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const taken = new Set<number>();
    const uniquePort = async () => {
      for (let i = 0; i < 20; i++) {
        const port = await freePort();
        if (!taken.has(port)) {
          taken.add(port);
          return port;
        }
      }
      throw new Error('could not find distinct free ports');
    };
    for (let i = 0; i < masters; i++) {
      const port = await uniquePort();
      const busPort = await uniquePort();
      ports.push(port);
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          path.join(dir, `nodes-${port}.conf`),
          '--cluster-port',
          String(busPort),
          '--dir',
          dir,
          '--save',
          '',
          '--appendonly',
          'no',
          '--bind',
          '127.0.0.1',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      logs.set(port, '');
      const keep = (chunk: Buffer) => logs.set(port, ((logs.get(port) ?? '') + chunk).slice(-4000));
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
    }
    const deadline = Date.now() + timeoutMs;
    const left = () => Math.max(1, deadline - Date.now());

    await Promise.all(
      ports.map((port, i) =>
        waitFor(
          async () => {
            if (children[i]!.exitCode !== null) throw new Error(`redis-server ${port} exited`);
            return (await command(port, ['PING'])) === 'PONG';
          },
          { timeoutMs: left(), what: `redis-server on port ${port}` },
        ),
      ),
    );
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      left(),
    );
    await waitFor(
      async () => {
        const infos = await Promise.all(ports.map((port) => command(port, ['CLUSTER', 'INFO'])));
        return infos.every((info) => /^cluster_state:ok\r?$/m.test(info));
      },
      { timeoutMs: left(), intervalMs: 100, what: 'cluster_state:ok on every node' },
    );
  } catch (error) {
    const output = [...logs].map(([port, log]) => `--- redis-server ${port}\n${log}`).join('\n');
    await stop();
    throw new Error(`Redis Cluster did not start: ${(error as Error).message}\n${output}`);
  }

  return { nodes: ports.map((port) => `127.0.0.1:${port}`).join(','), ports, stop };
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * One command over a fresh loopback connection; the reply as text (status, bulk or error reply).
 * Enough RESP for PING and CLUSTER INFO without pulling a Redis client into this package.
 */
function command(port: number, args: string[], timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buffer = Buffer.alloc(0);
    const done = (error: Error | undefined, reply?: string) => {
      socket.destroy();
      if (error) reject(error);
      else resolve(reply ?? '');
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no reply from port ${port}`)));
    socket.once('error', (error) => done(error));
    socket.once('connect', () => {
      const parts = args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`);
      socket.write(`*${args.length}\r\n${parts.join('')}`);
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      const lineEnd = buffer.indexOf('\r\n');
      if (lineEnd < 0) return;
      const head = buffer.subarray(0, lineEnd).toString();
      const kind = head[0];
      if (kind === '+' || kind === ':') return done(undefined, head.slice(1));
      if (kind === '-') return done(new Error(head.slice(1)));
      if (kind === '$') {
        const length = Number(head.slice(1));
        if (length < 0) return done(undefined, '');
        const start = lineEnd + 2;
        if (buffer.length < start + length) return;
        return done(undefined, buffer.subarray(start, start + length).toString());
      }
      done(new Error(`unexpected reply ${JSON.stringify(head)}`));
    });
  });
}
