import { createHash } from 'node:crypto';
import type { UserRepository } from '@latch/db';
import { UsernameTakenError } from '@latch/db';
import type {
  CredentialsInput,
  LoginOutput,
  MeOutput,
  PublicUser,
  SessionListItem,
  TokenPair,
} from '@latch/shared';
import type { AuthSettings } from './auth-settings.js';
import type { Clock } from './clock.js';
import { AuthError, RequestError } from './errors.js';
import type { PasswordHasher } from './passwords.js';
import { idleExpiresAt, refreshExpiresAt } from './session/session-policy.js';
import type { ActiveSession, SessionCheck, SessionRef } from './session/session-record.js';
import type { LoginAttemptStore, SessionStore } from './session/session-store.js';
import type { AccessTokens } from './tokens/access-token.js';
import { newRefreshToken, newSessionId, parseRefreshToken } from './tokens/refresh-token.js';

export interface AuthServiceDeps {
  users: UserRepository;
  sessions: SessionStore;
  loginAttempts: LoginAttemptStore;
  accessTokens: AccessTokens;
  passwords: PasswordHasher;
  settings: AuthSettings;
  clock: Clock;
}

/** Where the request came from; recorded on the session and used by the login rate limit. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** What the auth middleware puts on the context of a protected procedure. */
export interface Authenticated {
  user: PublicUser;
  session: ActiveSession;
}

// The scheme name is case-insensitive (RFC 9110 §11.1); the token is the JWT's base64url parts.
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/** The session machinery behind the `auth` router, free of HTTP and tRPC. */
export class AuthService {
  readonly #deps: AuthServiceDeps;

  constructor(deps: AuthServiceDeps) {
    this.#deps = deps;
  }

  get settings(): AuthSettings {
    return this.#deps.settings;
  }

  async register(input: CredentialsInput, origin: RequestOrigin): Promise<LoginOutput> {
    if (!this.#deps.settings.allowRegistration) {
      throw new RequestError('NOT_FOUND', 'Registration is disabled on this server.');
    }
    // An unreachable store would fail the session after the user row exists, and the retry would
    // answer CONFLICT: check it first (the narrow race left only costs a login instead).
    await this.#deps.sessions.ping();
    const user = await this.createUser(input);
    return this.#startSession(user, origin);
  }

  /** Adds a user without signing in (registration, seeding, admin scripts). */
  async createUser(input: CredentialsInput): Promise<PublicUser> {
    const passwordHash = await this.#deps.passwords.hash(input.password);
    try {
      const user = await this.#deps.users.create({ username: input.username, passwordHash });
      return { id: user.id, username: user.username };
    } catch (error) {
      if (error instanceof UsernameTakenError) {
        throw new RequestError('CONFLICT', 'That username is taken.');
      }
      throw error;
    }
  }

  async login(input: CredentialsInput, origin: RequestOrigin): Promise<LoginOutput> {
    const { loginAttempts, users, passwords, settings } = this.#deps;
    const attemptKey = loginAttemptKey(origin.ip, input.username);
    const { attempts, windowMs } = settings.loginRateLimit;
    const attempt = await loginAttempts.consume(attemptKey, attempts, windowMs);
    if (!attempt.allowed) {
      throw new AuthError('RATE_LIMITED', { retryAfterMs: attempt.retryAfterMs });
    }
    const user = await users.findByUsername(input.username);
    if (!(await passwords.verify(user?.passwordHash, input.password)) || !user) {
      throw new AuthError('INVALID_CREDENTIALS');
    }
    await loginAttempts.reset(attemptKey);
    return this.#startSession({ id: user.id, username: user.username }, origin);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) throw new AuthError('REFRESH_INVALID');
    const now = this.#deps.clock();
    // Signed before the atomic rotation so the store can keep the exact answer for replays.
    const next = await this.#issueTokens(parsed, now);
    const outcome = await this.#deps.sessions.rotateRefresh(
      parsed,
      {
        presentedHash: parsed.secretHash,
        nextHash: next.secretHash,
        nextExpiresAt: next.pair.refreshTokenExpiresAt,
        result: next.pair,
      },
      now,
    );
    switch (outcome.status) {
      case 'rotated':
        return capRefreshExpiry(next.pair, outcome.session);
      case 'grace':
        return capRefreshExpiry(outcome.result, outcome.session);
      case 'reused':
        throw new AuthError('REFRESH_REUSED');
      case 'invalid':
        throw new AuthError('REFRESH_INVALID');
      case 'revoked':
        throw new AuthError('SESSION_REVOKED');
      case 'expired':
        throw new AuthError('SESSION_EXPIRED');
    }
  }

  /** The per-request check behind every protected procedure. */
  async authenticate(authorization: string | undefined): Promise<Authenticated> {
    const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (!token) throw new AuthError('TOKEN_MISSING');
    const { accessTokens, sessions, clock } = this.#deps;
    const now = clock();
    const verified = await accessTokens.verify(token, now);
    if (verified.status === 'invalid') throw new AuthError('TOKEN_INVALID');
    if (verified.status === 'expired') {
      // The session's state wins: never invite a refresh of a dead session.
      throwUnlessActive(await sessions.peek(verified.ref, now));
      throw new AuthError('TOKEN_EXPIRED');
    }
    const session = throwUnlessActive(await sessions.touch(verified.ref, now));
    return { user: { id: session.userId, username: session.username }, session };
  }

  me({ user, session }: Authenticated): MeOutput {
    const { idleTimeoutMs } = this.#deps.settings;
    return {
      user,
      session: {
        id: session.id,
        createdAt: session.createdAt,
        lastActiveAt: session.lastActiveAt,
        idleExpiresAt: idleExpiresAt(
          session.lastActiveAt,
          session.absoluteExpiresAt,
          idleTimeoutMs,
        ),
        absoluteExpiresAt: session.absoluteExpiresAt,
      },
    };
  }

  async logout({ session }: Authenticated): Promise<void> {
    await this.#deps.sessions.revoke({ userId: session.userId, sessionId: session.id });
  }

  logoutAll({ user }: Authenticated): Promise<number> {
    return this.#deps.sessions.revokeAll(user.id);
  }

  async sessions({ user, session }: Authenticated): Promise<SessionListItem[]> {
    const list = await this.#deps.sessions.list(user.id, this.#deps.clock());
    return list.map((entry) => ({ ...entry, current: entry.id === session.id }));
  }

  async revokeSession(auth: Authenticated, sessionId: string): Promise<void> {
    const ref = { userId: auth.user.id, sessionId };
    if (!(await this.#deps.sessions.revoke(ref))) {
      throw new RequestError('NOT_FOUND', 'No live session with that id.');
    }
  }

  async #startSession(user: PublicUser, origin: RequestOrigin): Promise<LoginOutput> {
    const { settings, clock, sessions } = this.#deps;
    const now = clock();
    const ref = { userId: user.id, sessionId: newSessionId() };
    const absoluteExpiresAt = now + settings.absoluteTimeoutMs;
    const { pair, secretHash } = await this.#issueTokens(ref, now, absoluteExpiresAt);
    await sessions.create(
      {
        id: ref.sessionId,
        userId: user.id,
        username: user.username,
        createdAt: now,
        lastActiveAt: now,
        absoluteExpiresAt,
        ip: origin.ip,
        userAgent: origin.userAgent?.slice(0, 512) ?? null,
        refreshHash: secretHash,
        refreshExpiresAt: pair.refreshTokenExpiresAt,
      },
      { replaceOthers: settings.sessionPolicy === 'single' },
    );
    return { user, sessionId: ref.sessionId, ...pair };
  }

  async #issueTokens(ref: SessionRef, now: number, absoluteExpiresAt = Number.POSITIVE_INFINITY) {
    const access = await this.#deps.accessTokens.sign(ref, now);
    const refresh = newRefreshToken(ref);
    const pair: TokenPair = {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refreshExpiresAt(
        now,
        this.#deps.settings.refreshTokenTtlMs,
        absoluteExpiresAt,
      ),
    };
    return { pair, secretHash: refresh.secretHash };
  }
}

function throwUnlessActive(check: SessionCheck): ActiveSession {
  if (check.status === 'revoked') throw new AuthError('SESSION_REVOKED');
  if (check.status === 'expired') throw new AuthError('SESSION_EXPIRED');
  return check.session;
}

function capRefreshExpiry(pair: TokenPair, session: ActiveSession): TokenPair {
  return {
    ...pair,
    refreshTokenExpiresAt: Math.min(pair.refreshTokenExpiresAt, session.absoluteExpiresAt),
  };
}

/** One counter per (ip, username); hashed so neither appears in the store in clear. */
function loginAttemptKey(ip: string | null, username: string): string {
  return createHash('sha256')
    .update(`${ip ?? '-'}\n${username.toLowerCase()}`)
    .digest('base64url');
}
