import { describe, expect, it } from 'vitest';
import {
  canExtend,
  formatCountdown,
  idleDeadlineFrom,
  idlePhase,
  secondsLeft,
  slideDeadline,
  warningLeadMs,
} from '../src/idle.js';

describe('idle deadline math', () => {
  const session = (serverNow: number, idleMs: number, absoluteInMs = 7 * 86_400_000) => ({
    id: 's',
    createdAt: serverNow - 1000,
    lastActiveAt: serverNow,
    idleExpiresAt: Math.min(serverNow + idleMs, serverNow + absoluteInMs),
    absoluteExpiresAt: serverNow + absoluteInMs,
  });

  it('puts the deadline on the local clock, whatever the server clock says', () => {
    const serverAnHourAhead = 1_000_000 + 3_600_000;
    const idle = idleDeadlineFrom(session(serverAnHourAhead, 8000), 1_000_000);
    expect(idle.deadline).toBe(1_008_000);
    expect(idle.idleTimeoutMs).toBe(8000);
    expect(canExtend(idle)).toBe(true);
  });

  it('slides with activity, never past the absolute end', () => {
    const idle = idleDeadlineFrom(session(0, 8000, 20_000), 0);
    expect(slideDeadline(idle, 5000).deadline).toBe(13_000);
    expect(slideDeadline(idle, 15_000).deadline).toBe(20_000);
    const capped = idleDeadlineFrom(session(15_000, 8000, 5000), 15_000, idle);
    expect(capped.deadline).toBe(20_000);
    expect(capped.idleTimeoutMs).toBe(8000);
    expect(canExtend(capped)).toBe(false);
  });

  it('warns a minute before, or at half the timeout when that is shorter', () => {
    expect(warningLeadMs(1_800_000)).toBe(60_000);
    expect(warningLeadMs(120_000)).toBe(60_000);
    expect(warningLeadMs(8000)).toBe(4000);
    expect(warningLeadMs(1000)).toBe(1000);
    const idle = idleDeadlineFrom(session(0, 8000), 0);
    expect(idlePhase(idle, 3999)).toBe('active');
    expect(idlePhase(idle, 4000)).toBe('warning');
    expect(idlePhase(idle, 7999)).toBe('warning');
    expect(idlePhase(idle, 8000)).toBe('expired');
  });

  it('counts whole seconds up, as m:ss', () => {
    expect(secondsLeft(10_000, 9001)).toBe(1);
    expect(secondsLeft(10_000, 10_000)).toBe(0);
    expect(secondsLeft(10_000, 12_000)).toBe(0);
    expect(formatCountdown(59)).toBe('0:59');
    expect(formatCountdown(245)).toBe('4:05');
  });
});
