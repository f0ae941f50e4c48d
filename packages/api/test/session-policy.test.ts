import { describe, expect, it } from 'vitest';
import {
  idleExpiresAt,
  isSessionExpired,
  refreshExpiresAt,
} from '../src/session/session-policy.js';

describe('session policy', () => {
  it('never lets the idle deadline pass the absolute one', () => {
    expect(idleExpiresAt(1_000, 10_000, 500)).toBe(1_500);
    expect(idleExpiresAt(9_800, 10_000, 500)).toBe(10_000);
  });
  it('expires exactly at the deadline', () => {
    const session = { lastActiveAt: 1_000, absoluteExpiresAt: 10_000 };
    expect(isSessionExpired(session, 1_499, 500)).toBe(false);
    expect(isSessionExpired(session, 1_500, 500)).toBe(true);
    expect(isSessionExpired({ lastActiveAt: 9_999, absoluteExpiresAt: 10_000 }, 10_000, 500)).toBe(
      true,
    );
  });
  it('caps refresh tokens at the absolute expiry', () => {
    expect(refreshExpiresAt(0, 100, 1_000)).toBe(100);
    expect(refreshExpiresAt(950, 100, 1_000)).toBe(1_000);
  });
});
