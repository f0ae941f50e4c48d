import type { SessionTimeouts } from './session/session-policy.js';

export interface AuthSettings {
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  refreshReuseGraceMs: number;
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  /** `single`: a new login revokes the user's other sessions (the tutorial's behaviour). */
  sessionPolicy: 'multi' | 'single';
  loginRateLimit: { attempts: number; windowMs: number };
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
