import type { SessionTimeouts } from './session/session-policy.js';

export interface RateLimit {
  attempts: number;
  windowMs: number;
}

export interface AuthSettings {
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  refreshReuseGraceMs: number;
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** `single`: a new login revokes the user's other sessions (the tutorial's behaviour). */
  sessionPolicy: 'multi' | 'single';
  /** Failed logins per (ip, username); a success clears that pair. */
  loginRateLimit: RateLimit;
  /** Failed logins per ip across usernames (password spraying). */
  loginIpRateLimit: RateLimit;
  /** Registrations per ip. */
  registerRateLimit: RateLimit;
  /** The least characters of a new password (at least 8). */
  passwordMinLength: number;
  allowRegistration: boolean;
}

// A revoked session's tombstone outlives every access token issued for it, with room for the
// 1 s verification tolerance and clock drift between instances.
const TOMBSTONE_MARGIN_MS = 60_000;

export function sessionTimeoutsOf(settings: AuthSettings): SessionTimeouts {
  return {
    idleTimeoutMs: settings.idleTimeoutMs,
    absoluteTimeoutMs: settings.absoluteTimeoutMs,
    tombstoneMs: settings.accessTokenTtlMs + TOMBSTONE_MARGIN_MS,
    refreshReuseGraceMs: settings.refreshReuseGraceMs,
  };
}
