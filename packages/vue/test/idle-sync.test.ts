import { describe, expect, it } from 'vitest';
import type { AuthPort, AuthPortEvent, Me, User } from '../src/auth-port.js';
import { createAuthStore, type IdleChannel } from '../src/auth-store.js';
import type { IdleDeadline } from '../src/idle.js';

/** Two tabs' channels, joined: what one posts, the other hears (as BroadcastChannel does). */
function linkedChannels(): [IdleChannel, IdleChannel] {
  const listeners: ((idle: IdleDeadline) => void)[] = [];
  const make = (index: number): IdleChannel => ({
    post: (idle) => listeners[1 - index]?.(idle),
    listen: (listener) => {
      listeners[index] = listener;
    },
  });
  return [make(0), make(1)];
}

const alice: User = { id: 'u1', username: 'alice' };

/** A signed-in tab's client whose `auth.me` answers `me`; `emit` plays its events. */
function signedInPort(me: Me) {
  const listeners = new Set<(event: AuthPortEvent) => void>();
  const unused = () => Promise.reject(new Error('not used here'));
  const port: AuthPort = {
    hasSession: () => true,
    storedUser: () => alice,
    restore: async () => null,
    login: unused,
    register: unused,
    logout: unused,
    logoutAll: unused,
    me: async () => me,
    sessions: unused,
    revokeSession: unused,
    changePassword: unused,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = (event: AuthPortEvent) => {
    for (const listener of listeners) listener(event);
  };
  return { port, emit };
}

describe('idle deadline shared between tabs', () => {
  it("activity in one tab moves the other tab's deadline, never backwards", async () => {
    const [one, two] = linkedChannels();
    const start = Date.now();
    const me: Me = {
      user: alice,
      session: {
        id: 's1',
        createdAt: start - 60_000,
        lastActiveAt: start,
        idleExpiresAt: start + 8000,
        absoluteExpiresAt: start + 7 * 86_400_000,
      },
    };
    const tabA = signedInPort(me);
    const tabB = signedInPort(me);
    const a = createAuthStore(tabA.port, { idleChannel: one, now: () => start });
    const b = createAuthStore(tabB.port, { idleChannel: two, now: () => start });
    await a.ensureSession();
    await b.ensureSession();
    expect(b.state.idle?.deadline).toBe(start + 8000);

    tabA.emit({ type: 'activity', sentAt: start + 5000 });
    expect(a.state.idle?.deadline).toBe(start + 13_000);
    expect(b.state.idle?.deadline).toBe(start + 13_000);

    // An older deadline from the other tab changes nothing.
    two.post({ deadline: start + 9000, absoluteDeadline: start + 1e9, idleTimeoutMs: 8000 });
    expect(a.state.idle?.deadline).toBe(start + 13_000);
  });
});
