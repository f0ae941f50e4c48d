export {
  type Authenticated,
  AuthService,
  type AuthServiceDeps,
  type RequestOrigin,
} from './auth-service.js';
export { type AuthSettings, sessionTimeoutsOf } from './auth-settings.js';
export { type Clock, systemClock } from './clock.js';
export { AuthError, RequestError } from './errors.js';
export {
  defaultPasswordHashOptions,
  PasswordHasher,
  type PasswordHashOptions,
} from './passwords.js';
export { type AppRouter, appRouter } from './router.js';
export { MemorySessionStore } from './session/memory-session-store.js';
export type { RedisClient } from './session/redis-script.js';
export { RedisSessionStore } from './session/redis-session-store.js';
export type { SessionTimeouts } from './session/session-policy.js';
export type { LoginAttemptStore, SessionStore } from './session/session-store.js';
export { StoreUnavailableError } from './session/session-store.js';
export { type AccessTokenOptions, AccessTokens } from './tokens/access-token.js';
export {
  ed25519PublicKeyOf,
  type JwtAlgorithm,
  loadSigningKeys,
  SigningKeyError,
  type SigningKeyMaterial,
  type SigningKeys,
} from './tokens/signing-keys.js';
export type { LatchContext } from './trpc.js';
