import { describe, expect, it } from 'vitest';
import type { IdleDeadline } from '../src/auth/idle';
import { createAuthStore, type IdleChannel } from '../src/auth/store';
import { alice, FakePort, meFor } from './fake-port';

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

describe('idle deadline shared between tabs', () => {
  it("activity in one tab moves the other tab's deadline, never backwards", async () => {
    const [one, two] = linkedChannels();
    const portA = new FakePort(alice);
    const portB = new FakePort(alice);
    const start = Date.now();
    portA.meResult = async () => meFor(alice, start, 8000);
    portB.meResult = async () => meFor(alice, start, 8000);
    const a = createAuthStore(portA, { idleChannel: one, now: () => start });
    const b = createAuthStore(portB, { idleChannel: two, now: () => start });
    await a.ensureSession();
    await b.ensureSession();
    expect(b.state.idle?.deadline).toBe(start + 8000);

    portA.emit({ type: 'activity', sentAt: start + 5000 });
    expect(a.state.idle?.deadline).toBe(start + 13_000);
    expect(b.state.idle?.deadline).toBe(start + 13_000);

    // An older deadline from the other tab changes nothing.
    two.post({ deadline: start + 9000, absoluteDeadline: start + 1e9, idleTimeoutMs: 8000 });
    expect(a.state.idle?.deadline).toBe(start + 13_000);
  });
});
