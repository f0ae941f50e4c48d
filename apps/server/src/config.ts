import { isIP } from 'node:net';
import { JWT_ALGORITHMS, weakHmacSecretReason } from '@latch/api';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH_DEFAULT,
  PASSWORD_MIN_LENGTH_FLOOR,
} from '@latch/shared';
import { z } from 'zod';

/**
 * Every setting of SPEC.md, parsed from the environment by this one schema. An empty value means
 * unset; a bad value stops start-up with a message naming the variable.
 */
const unset = (value: unknown) => (value === '' ? undefined : value);
const env = <T extends z.ZodType>(schema: T) => z.preprocess(unset, schema);

const seconds = (fallback: number, min = 1) =>
  env(
    z.coerce
      .number({ error: 'expected a whole number of seconds' })
      .int('expected a whole number of seconds')
      .min(min, `expected at least ${min} second(s)`)
      .default(fallback),
  );

const commaList = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port');

const trustProxy = z.string().transform((value, ctx): boolean | number | string[] => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const cidrs = commaList(value);
  if (cidrs.length > 0 && cidrs.every((cidr) => isIP(cidr.split('/')[0] ?? '') !== 0)) return cidrs;
  ctx.addIssue({ code: 'custom', message: 'expected true, false, a hop count or IPs/CIDRs' });
  return z.NEVER;
});

const rateLimit = z.string().transform((value, ctx) => {
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const attempts = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]);
  if (!match || attempts < 1 || windowSeconds < 1) {
    ctx.addIssue({ code: 'custom', message: 'expected <attempts>/<seconds>, e.g. 5/900' });
    return z.NEVER;
  }
  return { attempts, windowMs: windowSeconds * 1000 };
});

/** `id:secret` of a service allowed to introspect; the secret long enough not to be guessed. */
const introspectionClient = z.string().transform((value, ctx) => {
  const colon = value.indexOf(':');
  const id = value.slice(0, colon);
  const secret = value.slice(colon + 1);
  if (colon < 1 || secret.length < 24) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected id:secret pairs, each secret at least 24 characters',
    });
    return z.NEVER;
  }
  return { id, secret };
});

/**
 * An origin as browsers send it (`scheme://host[:port]`): a trailing `/` is dropped, since
 * `Origin` never has one and the entry would never match; a path or query is refused.
 */
const origin = z.string().transform((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `expected origins like https://app.example, got "${value}"`,
    });
    return z.NEVER;
  }
  const bare = value.replace(/\/$/, '');
  if (url.origin !== bare) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is not an origin: use ${url.origin} (no path, query or fragment)`,
    });
    return z.NEVER;
  }
  return url.origin;
});

const nonBlank = z.string().trim().min(1, 'expected a non-empty value').max(256);

const boolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const pem = z.string().transform((value) => value.replaceAll('\\n', '\n'));

export const settingsSchema = z
  .object({
    NODE_ENV: env(z.enum(['development', 'production', 'test']).default('development')),
    PORT: env(z.coerce.number().int().min(0).max(65_535).default(3000)),
    HOST: env(z.string().default('127.0.0.1')),
    DATABASE_URL: env(
      z
        .string()
        .regex(/^(file:|postgres(ql)?:\/\/)/, 'expected a file: (SQLite) or postgresql:// URL')
        .default('file:./data/latch.db'),
    ),
    REDIS_URL: env(
      z
        .string()
        .regex(/^rediss?:\/\//, 'expected redis:// or rediss://')
        .optional(),
    ),
    REDIS_CLUSTER_NODES: env(
      z
        .string()
        .transform(commaList)
        .pipe(z.array(hostPort).min(1, 'expected host:port,host:port'))
        .optional(),
    ),
    REDIS_PREFIX: env(z.string().max(64).default('latch:')),
    ACCESS_TOKEN_TTL: seconds(900),
    REFRESH_TOKEN_TTL: seconds(2_592_000),
    REFRESH_REUSE_GRACE: seconds(10, 0),
    SESSION_IDLE_TIMEOUT: seconds(1800),
    SESSION_ABSOLUTE_TIMEOUT: seconds(604_800),
    SESSION_POLICY: env(z.enum(['multi', 'single']).default('multi')),
    JWT_ALG: env(z.enum(JWT_ALGORITHMS).default('EdDSA')),
    JWT_SECRET: env(
      z
        .string()
        .check((ctx) => {
          const reason = weakHmacSecretReason(ctx.value);
          if (reason) ctx.issues.push({ code: 'custom', message: reason, input: ctx.value });
        })
        .optional(),
    ),
    JWT_PRIVATE_KEY: env(
      pem
        .pipe(z.string().includes('PRIVATE KEY', { message: 'expected a PEM PKCS#8 private key' }))
        .optional(),
    ),
    JWT_PREVIOUS_KEYS: env(
      z
        .string()
        .transform((value) => commaList(value).map((key) => key.replaceAll('\\n', '\n')))
        .optional(),
    ),
    JWT_ISSUER: env(nonBlank.default('latch')),
    JWT_AUDIENCE: env(nonBlank.default('latch-api')),
    LOGIN_RATE_LIMIT: env(rateLimit.default({ attempts: 5, windowMs: 900_000 })),
    LOGIN_IP_RATE_LIMIT: env(rateLimit.default({ attempts: 50, windowMs: 900_000 })),
    REGISTER_RATE_LIMIT: env(rateLimit.default({ attempts: 10, windowMs: 3_600_000 })),
    PASSWORD_MIN_LENGTH: env(
      z.coerce
        .number({ error: 'expected a whole number of characters' })
        .int('expected a whole number of characters')
        .min(PASSWORD_MIN_LENGTH_FLOOR, `expected at least ${PASSWORD_MIN_LENGTH_FLOOR}`)
        .max(PASSWORD_MAX_LENGTH, `expected at most ${PASSWORD_MAX_LENGTH}`)
        .default(PASSWORD_MIN_LENGTH_DEFAULT),
    ),
    ALLOW_REGISTRATION: env(boolean.default(true)),
    INTROSPECTION_CLIENTS: env(
      z
        .string()
        .transform(commaList)
        .pipe(z.array(introspectionClient).min(1, 'expected id:secret,id:secret'))
        .optional(),
    ),
    CORS_ORIGINS: env(z.string().transform(commaList).pipe(z.array(origin)).optional()),
    COOKIE_SECURE: env(boolean.optional()),
    TRUST_PROXY: env(trustProxy.default(false)),
    /** Where the built web app is served from; default apps/web/dist of this checkout. */
    WEB_DIST: env(z.string().optional()),
    LOG_LEVEL: env(
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
  })
  .superRefine((s, ctx) => {
    const production = s.NODE_ENV === 'production';
    if (production && !s.REDIS_URL && !s.REDIS_CLUSTER_NODES) {
      ctx.addIssue({
        code: 'custom',
        path: ['REDIS_URL'],
        message:
          'is required when NODE_ENV=production (the in-process store serves one process only)',
      });
    }
    if (production && s.JWT_ALG === 'HS256' && !s.JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'is required when NODE_ENV=production',
      });
    }
    if (production && s.JWT_ALG !== 'HS256' && !s.JWT_PRIVATE_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_PRIVATE_KEY'],
        message: 'is required when NODE_ENV=production',
      });
    }
  });

export type Settings = z.output<typeof settingsSchema>;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Parses the environment; the error names every bad variable and what was expected. */
export function parseSettings(environment: Record<string, string | undefined>): Settings {
  const result = settingsSchema.safeParse(environment);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'settings');
    const given = environment[name];
    // Secrets and URLs (which may carry a password) are named, never echoed.
    const shown =
      given === undefined || /SECRET|KEY|URL|NODES|CLIENTS/.test(name) ? '' : ` (got "${given}")`;
    return `  ${name}: ${issue.message}${shown}`;
  });
  throw new SettingsError(`Invalid settings:\n${lines.join('\n')}`);
}
