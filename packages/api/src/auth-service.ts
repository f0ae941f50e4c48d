import { createHash } from 'node:crypto';
import type { UserRecord, UserRepository } from '@latch/db';
import { canonicalUsername, UsernameTakenError } from '@latch/db';
import type {
  ChangePasswordInput,
  CredentialsInput,
  LoginOutput,
  MeOutput,
  PublicUser,
  RegisterInput,
  SessionListItem,
  TokenPair,
} from '@latch/shared';
import { decodeJwt } from 'jose';
import type { Authenticated, AuthFlows, RequestOrigin } from './auth-flows.js';
import type { AuthSettings, RateLimit } from './auth-settings.js';
import type { Clock } from './clock.js';
import { AuthError, PasswordPolicyError, RequestError } from './errors.js';
import { INACTIVE, type IntrospectionResult } from './introspection.js';
import { normalizePassword, passwordCandidates, passwordProblem } from './password-policy.js';
import type { PasswordHasher } from './passwords.js';
import { idleExpiresAt, refreshExpiresAt } from './session/session-policy.js';
import type {
  ActiveSession,
  SessionCheck,
  SessionListEntry,
  SessionRef,
} from './session/session-record.js';
import type { AttemptCounter, RateLimitStore, SessionStore } from './session/session-store.js';
import type { AccessTokens } from './tokens/access-token.js';
import {
  newRefreshTagKey,
  newSessionId,
  newUntaggedRefreshToken,
  parseRefreshToken,
  tagRefreshToken,
} from './tokens/refresh-token.js';

export interface AuthServiceDeps {
  users: UserRepository;
  sessions: SessionStore;
  rateLimits: RateLimitStore;
  accessTokens: AccessTokens;
  passwords: PasswordHasher;
  settings: AuthSettings;
  clock: Clock;
}

// The scheme name is case-insensitive (RFC 9110 §11.1); the token is the JWT's base64url parts.
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

// Counter names within one client ip's group (see RateLimitStore).
const LOGIN_FROM_IP = 'login-ip';
const REGISTER_FROM_IP = 'register';

/** The session machinery behind the `auth` router, free of HTTP and tRPC. */
export class AuthService implements AuthFlows {
  readonly #deps: AuthServiceDeps;

  constructor(deps: AuthServiceDeps) {
    this.#deps = deps;
  }

  get settings(): AuthSettings {
    return this.#deps.settings;
  }

  async register(input: RegisterInput, origin: RequestOrigin): Promise<LoginOutput> {
    const { settings, rateLimits } = this.#deps;
    if (!settings.allowRegistration) {
      throw new RequestError('NOT_FOUND', 'Registration is disabled on this server.');
    }
    this.#checkNewPassword('password', input.password);
    // Counted before the hash and the insert, so it also reaches the store first: an unreachable
    // store fails here, before a user row exists that a retry would answer CONFLICT to.
    const verdict = await rateLimits.consume(clientGroup(origin.ip), [
      counter(REGISTER_FROM_IP, settings.registerRateLimit),
    ]);
    if (!verdict.allowed) {
      throw new AuthError('RATE_LIMITED', {
        message: 'Too many registrations from this address; try again later.',
        retryAfterMs: verdict.retryAfterMs,
      });
    }
    const user = await this.createUser(input);
    return this.#startSession(user, origin);
  }

  /** Adds a user without signing in (registration, seeding, admin scripts); applies the policy. */
  async createUser(input: RegisterInput): Promise<PublicUser> {
    this.#checkNewPassword('password', input.password);
    const passwordHash = await this.#deps.passwords.hash(normalizePassword(input.password));
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

  /**
   * Operator tools (`pnpm latch`): a new password without the current one, under the same policy;
   * every session of the user ends, since whoever asked for the reset may not hold them.
   */
  async resetPassword(
    username: string,
    password: string,
  ): Promise<{ user: PublicUser; revoked: number }> {
    this.#checkNewPassword('password', password);
    const user = await this.#userNamed(username);
    const { users, passwords, sessions } = this.#deps;
    await users.updatePasswordHash(user.id, await passwords.hash(normalizePassword(password)));
    return { user, revoked: await sessions.revokeAll(user.id) };
  }

  /** Operator tools: the live sessions of a user, newest activity first as the store lists them. */
  async sessionsOf(username: string): Promise<{ user: PublicUser; sessions: SessionListEntry[] }> {
    const user = await this.#userNamed(username);
    return { user, sessions: await this.#deps.sessions.list(user.id, this.#deps.clock()) };
  }

  /** Operator tools: ends every session of a user. */
  async revokeSessionsOf(username: string): Promise<{ user: PublicUser; revoked: number }> {
    const user = await this.#userNamed(username);
    return { user, revoked: await this.#deps.sessions.revokeAll(user.id) };
  }

  async #userNamed(username: string): Promise<PublicUser> {
    const user = await this.#deps.users.findByUsername(username);
    if (!user) throw new RequestError('NOT_FOUND', `No user is named "${username}".`);
    return { id: user.id, username: user.username };
  }

  async login(input: CredentialsInput, origin: RequestOrigin): Promise<LoginOutput> {
    const user = await this.#confirmPassword(input.username, input.password, origin, () =>
      this.#deps.users.findByUsername(input.username),
    );
    return this.#startSession({ id: user.id, username: user.username }, origin);
  }

  /**
   * Sets a new password after checking the current one (counted by the login rate limits, like
   * a login), then ends every other session of the user; the calling session stays.
   */
  async changePassword(
    auth: Authenticated,
    input: ChangePasswordInput,
    origin: RequestOrigin,
  ): Promise<void> {
    this.#checkNewPassword('newPassword', input.newPassword);
    const { users, passwords, sessions } = this.#deps;
    const user = await this.#confirmPassword(
      auth.user.username,
      input.currentPassword,
      origin,
      () => users.findById(auth.user.id),
    );
    await users.updatePasswordHash(
      user.id,
      await passwords.hash(normalizePassword(input.newPassword)),
    );
    await sessions.revokeAll(user.id, { except: auth.session.id });
  }

  /** Rotates the tokens; answers like a login, so a client holding only a cookie learns whose session it is. */
  async refresh(refreshToken: string): Promise<LoginOutput> {
    const presented = parseRefreshToken(refreshToken);
    if (!presented) throw new AuthError('REFRESH_INVALID');
    const now = this.#deps.clock();
    const successor = presented.generation + 1;
    // Signed before the atomic rotation so the store can keep the exact answer for replays; the
    // refresh token's tag is added after, with the session's tag key the store hands back.
    const next = await this.#issueTokens(presented, now, successor);
    const outcome = await this.#deps.sessions.rotateRefresh(
      presented,
      {
        generation: presented.generation,
        presentedHash: presented.secretHash,
        presentedTag: presented.tag,
        nextHash: next.secretHash,
        nextExpiresAt: next.pair.refreshTokenExpiresAt,
        result: next.pair,
      },
      now,
    );
    switch (outcome.status) {
      case 'rotated':
      case 'grace': {
        const pair = outcome.status === 'rotated' ? next.pair : outcome.result;
        const tagged = tagPair(pair, outcome.tagKey, presented, successor);
        const { session } = outcome;
        return {
          user: { id: session.userId, username: session.username },
          sessionId: session.id,
          ...capRefreshExpiry(tagged, session),
        };
      }
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

  /**
   * RFC 7662 introspection for other services: verifies the token and reads its session in one
   * store round trip, without sliding the idle deadline (asking is not activity).
   */
  async introspect(token: string): Promise<IntrospectionResult> {
    const { accessTokens, sessions, clock } = this.#deps;
    const now = clock();
    const verified = await accessTokens.verify(token, now);
    if (verified.status !== 'valid') return INACTIVE;
    const check = await sessions.peek(verified.ref, now);
    if (check.status !== 'active') return INACTIVE;
    // Verified above; the cache of verified tokens keeps only the session it names.
    const { exp, iat, iss, aud } = decodeJwt(token);
    if (exp === undefined || iat === undefined || iss === undefined || aud === undefined) {
      return INACTIVE;
    }
    return {
      active: true,
      sub: check.session.userId,
      sid: check.session.id,
      username: check.session.username,
      exp,
      iat,
      iss,
      aud,
      token_type: 'Bearer',
    };
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

  #checkNewPassword(field: string, password: string): void {
    const problem = passwordProblem(password, this.#deps.settings.passwordMinLength);
    if (problem) throw new PasswordPolicyError(field, problem);
  }

  /**
   * Checks a password the way a login does: both login rate limits first (counted in advance,
   * so parallel guesses cannot overshoot), one message for every failure, and on success that
   * (ip, username) starts over while the ip's count of failures keeps everything but this one.
   */
  async #confirmPassword(
    username: string,
    password: string,
    origin: RequestOrigin,
    findUser: () => Promise<UserRecord | null>,
  ): Promise<UserRecord> {
    const { rateLimits, settings } = this.#deps;
    const group = clientGroup(origin.ip);
    const pair = usernameCounterName(username);
    const verdict = await rateLimits.consume(group, [
      counter(pair, settings.loginRateLimit),
      counter(LOGIN_FROM_IP, settings.loginIpRateLimit),
    ]);
    if (!verdict.allowed) {
      throw new AuthError('RATE_LIMITED', { retryAfterMs: verdict.retryAfterMs });
    }
    const user = await findUser();
    if (!user || !(await this.#passwordMatches(user, password))) {
      throw new AuthError('INVALID_CREDENTIALS');
    }
    await rateLimits.forgive(group, { reset: [pair], refund: [LOGIN_FROM_IP] });
    return user;
  }

  /**
   * The NFKC form first; a hash made before passwords were normalised matches the text as typed,
   * and is then replaced by the NFKC form's hash. An unknown user costs the same verifications
   * (against a dummy hash), so timing does not tell which usernames exist.
   */
  async #passwordMatches(user: UserRecord | null, typed: string): Promise<boolean> {
    const { passwords, users } = this.#deps;
    for (const candidate of passwordCandidates(typed)) {
      if (!(await passwords.verify(user?.passwordHash, candidate))) continue;
      const normalized = normalizePassword(typed);
      if (user && candidate !== normalized) {
        await users.updatePasswordHash(user.id, await passwords.hash(normalized));
      }
      return true; // a real hash matched, so `user` exists
    }
    return false;
  }

  async #startSession(user: PublicUser, origin: RequestOrigin): Promise<LoginOutput> {
    const { settings, clock, sessions } = this.#deps;
    const now = clock();
    const ref = { userId: user.id, sessionId: newSessionId() };
    const absoluteExpiresAt = now + settings.absoluteTimeoutMs;
    const tagKey = newRefreshTagKey();
    const { pair, secretHash } = await this.#issueTokens(ref, now, 0, absoluteExpiresAt);
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
        refreshGeneration: 0,
        refreshHash: secretHash,
        refreshExpiresAt: pair.refreshTokenExpiresAt,
        refreshTagKey: tagKey,
      },
      { replaceOthers: settings.sessionPolicy === 'single' },
    );
    return { user, sessionId: ref.sessionId, ...tagPair(pair, tagKey, ref, 0) };
  }

  /** A new token pair whose refresh token still lacks its tag (see `tagPair`). */
  async #issueTokens(
    ref: SessionRef,
    now: number,
    generation: number,
    absoluteExpiresAt = Number.POSITIVE_INFINITY,
  ) {
    const access = await this.#deps.accessTokens.sign(ref, now);
    const refresh = newUntaggedRefreshToken(ref, generation);
    const pair: TokenPair = {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.untagged,
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

function tagPair(pair: TokenPair, tagKey: string, ref: SessionRef, generation: number): TokenPair {
  return { ...pair, refreshToken: tagRefreshToken(pair.refreshToken, tagKey, ref, generation) };
}

function capRefreshExpiry(pair: TokenPair, session: ActiveSession): TokenPair {
  return {
    ...pair,
    refreshTokenExpiresAt: Math.min(pair.refreshTokenExpiresAt, session.absoluteExpiresAt),
  };
}

function counter(name: string, limit: RateLimit): AttemptCounter {
  return { name, limit: limit.attempts, windowMs: limit.windowMs };
}

/** The rate-limit group of a client ip; hashed so no ip appears in the store's key names. */
function clientGroup(ip: string | null): string {
  return sha256(`ip\n${ip ?? '-'}`).slice(0, 22);
}

/** One (ip, username) counter per canonical name, so `Bob` and `bob` share it. */
function usernameCounterName(username: string): string {
  return `login:${sha256(`user\n${canonicalUsername(username)}`).slice(0, 22)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
