import { describe, expect, it } from 'vitest';
import { AuthError } from '../src/errors.js';
import { type RefreshCookie, spendingCookie } from '../src/refresh-cookie.js';

function jar(requested = true) {
  const calls: string[] = [];
  const cookie: RefreshCookie = {
    requested,
    crossSite: false,
    read: () => 'token',
    set: () => calls.push('set'),
    clear: () => calls.push('clear'),
  };
  return { cookie, calls };
}

describe('spendingCookie', () => {
  it('clears the cookie when the refresh is refused for good', async () => {
    for (const code of [
      'REFRESH_INVALID',
      'REFRESH_REUSED',
      'SESSION_REVOKED',
      'SESSION_EXPIRED',
    ] as const) {
      const { cookie, calls } = jar();
      await expect(
        spendingCookie(cookie, () => Promise.reject(new AuthError(code))),
      ).rejects.toThrow(AuthError);
      expect(calls, code).toEqual(['clear']);
    }
  });

  it('keeps it through an outage, an unexpected error, a success, and without the opt-in', async () => {
    const outage = jar();
    await expect(
      spendingCookie(outage.cookie, () => Promise.reject(new AuthError('AUTH_UNAVAILABLE'))),
    ).rejects.toThrow();
    const crash = jar();
    await expect(
      spendingCookie(crash.cookie, () => Promise.reject(new Error('bug'))),
    ).rejects.toThrow();
    const ok = jar();
    expect(await spendingCookie(ok.cookie, async () => 42)).toBe(42);
    const body = jar(false);
    await expect(
      spendingCookie(body.cookie, () => Promise.reject(new AuthError('REFRESH_INVALID'))),
    ).rejects.toThrow();
    expect([outage.calls, crash.calls, ok.calls, body.calls]).toEqual([[], [], [], []]);
  });
});
