export type { Authenticated, AuthFlows, RequestOrigin } from './auth-flows.js';
export { AuthService, type AuthServiceDeps } from './auth-service.js';
export { type AuthSettings, type RateLimit, sessionTimeoutsOf } from './auth-settings.js';
export { type Clock, systemClock } from './clock.js';
export { commonPasswordCount } from './common-passwords.js';
export { AuthError, PasswordPolicyError, RequestError } from './errors.js';
export type { IntrospectionResult } from './introspection.js';
export { normalizePassword, passwordProblem } from './password-policy.js';
export {
  defaultPasswordHashOptions,
  PasswordHasher,
  type PasswordHashOptions,
} from './passwords.js';
export type { RefreshCookie } from './refresh-cookie.js';
export { type AppRouter, appRouter } from './router.js';
export { MemorySessionStore } from './session/memory-session-store.js';
export type { RedisClient } from './session/redis-script.js';
export { RedisSessionStore } from './session/redis-session-store.js';
export type { SessionTimeouts } from './session/session-policy.js';
export type {
  AttemptCounter,
  AttemptVerdict,
  RateLimitStore,
  SessionStore,
} from './session/session-store.js';
export { StoreUnavailableError } from './session/session-store.js';
export { type AccessTokenOptions, AccessTokens } from './tokens/access-token.js';
export {
  ed25519PublicKeyOf,
  JWT_ALGORITHMS,
  type JwtAlgorithm,
  loadSigningKeys,
  SigningKeyError,
  type SigningKeyMaterial,
  type SigningKeys,
  weakHmacSecretReason,
} from './tokens/signing-keys.js';
export type { LatchContext } from './trpc.js';
