export type {
  AuthPort,
  AuthPortEvent,
  ChangePasswordInput,
  Credentials,
  Me,
  SessionInfo,
  SessionRow,
  User,
} from './auth-port.js';
export {
  type AuthEvent,
  type AuthState,
  type AuthStatus,
  type AuthStore,
  type AuthStoreOptions,
  authPlugin,
  createAuthStore,
  createLatchAuth,
  type IdleChannel,
  provideAuth,
  useAuth,
} from './auth-store.js';
export { useCurrentUser } from './composables/use-current-user.js';
export { type IdleCountdownOptions, useIdleCountdown } from './composables/use-idle-countdown.js';
export { type LogoutOptions, useLogout } from './composables/use-logout.js';
export { useNow } from './composables/use-now.js';
export { useSessionEnd } from './composables/use-session-end.js';
export {
  type SessionRecheckOptions,
  useSessionRecheck,
} from './composables/use-session-recheck.js';
export { type AuthGuardOptions, installAuthGuard, loginLocation } from './guard.js';
export {
  canExtend,
  EXPIRY_CHECK_GRACE_MS,
  formatCountdown,
  type IdleDeadline,
  type IdlePhase,
  idleDeadlineFrom,
  idlePhase,
  secondsLeft,
  slideDeadline,
  warningLeadMs,
} from './idle.js';
export { createLatchPort, type LatchPortOptions, movesSession } from './latch-port.js';
export type { LoginNotice } from './login-notice.js';
export { isLoginPath, safeRedirect } from './redirect.js';
