import type { SessionInfo } from './auth-port.js';

/**
 * The session's idle deadline on this browser's clock. Server times are converted by their
 * distance from `lastActiveAt` (the server's "now" for that call) added to the moment the call was
 * sent, so the browser's clock may be off by any amount, and the local deadline is never later
 * than the server's.
 */
export interface IdleDeadline {
  /** Local epoch ms when the session ends if nothing happens. */
  deadline: number;
  /** Local epoch ms of the absolute end, which no activity moves. */
  absoluteDeadline: number;
  /** The server's idle timeout, as far as we know it (capped deadlines do not tell it). */
  idleTimeoutMs: number;
}

export function idleDeadlineFrom(
  session: SessionInfo,
  sentAt: number,
  previous?: IdleDeadline | null,
): IdleDeadline {
  const untilIdle = session.idleExpiresAt - session.lastActiveAt;
  const capped = session.idleExpiresAt >= session.absoluteExpiresAt;
  return {
    deadline: sentAt + untilIdle,
    absoluteDeadline: sentAt + (session.absoluteExpiresAt - session.lastActiveAt),
    idleTimeoutMs: capped && previous ? Math.max(previous.idleTimeoutMs, untilIdle) : untilIdle,
  };
}

/** Another accepted call, sent at `sentAt`, moved the server's `lastActiveAt`. */
export function slideDeadline(idle: IdleDeadline, sentAt: number): IdleDeadline {
  const deadline = Math.min(sentAt + idle.idleTimeoutMs, idle.absoluteDeadline);
  return deadline > idle.deadline ? { ...idle, deadline } : idle;
}

/** Staying active cannot move a deadline that is the absolute one. */
export function canExtend(idle: IdleDeadline): boolean {
  return idle.deadline < idle.absoluteDeadline;
}

/** How long before the deadline the warning shows: a minute, or half the timeout if shorter. */
export function warningLeadMs(idleTimeoutMs: number): number {
  return Math.max(1000, Math.min(60_000, Math.round(idleTimeoutMs / 2)));
}

/**
 * How long after the local deadline the app asks the server (auth.me) whether the session is
 * really over: the local deadline can be a little early, and asking before the server's deadline
 * would slide the session instead of ending it.
 */
export const EXPIRY_CHECK_GRACE_MS = 1000;

export type IdlePhase = 'active' | 'warning' | 'expired';

export function idlePhase(idle: IdleDeadline, now: number): IdlePhase {
  const left = idle.deadline - now;
  if (left <= 0) return 'expired';
  if (left <= warningLeadMs(idle.idleTimeoutMs)) return 'warning';
  return 'active';
}

/** Whole seconds left, rounded up so the countdown shows 1 until the very end. */
export function secondsLeft(deadline: number, now: number): number {
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** `4:05`, `0:09`: the countdown's text. */
export function formatCountdown(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
}
