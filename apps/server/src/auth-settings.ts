import type { AuthSettings } from '@latch/api';
import type { Settings } from './config.js';

const SECOND = 1000;

export function authSettingsOf(settings: Settings): AuthSettings {
  return {
    accessTokenTtlMs: settings.ACCESS_TOKEN_TTL * SECOND,
    refreshTokenTtlMs: settings.REFRESH_TOKEN_TTL * SECOND,
    refreshReuseGraceMs: settings.REFRESH_REUSE_GRACE * SECOND,
    idleTimeoutMs: settings.SESSION_IDLE_TIMEOUT * SECOND,
    absoluteTimeoutMs: settings.SESSION_ABSOLUTE_TIMEOUT * SECOND,
    sessionPolicy: settings.SESSION_POLICY,
    loginRateLimit: settings.LOGIN_RATE_LIMIT,
    loginIpRateLimit: settings.LOGIN_IP_RATE_LIMIT,
    registerRateLimit: settings.REGISTER_RATE_LIMIT,
    passwordMinLength: settings.PASSWORD_MIN_LENGTH,
    allowRegistration: settings.ALLOW_REGISTRATION,
  };
}
