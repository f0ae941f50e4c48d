import { SESSION_ENDING_CODES } from '@latch/shared';
import * as z from 'zod/mini';
import { storedSession } from './stored-session.js';

/** What tabs tell each other. Validated on receipt: another script of the origin may post junk. */
export const tabMessage = z.discriminatedUnion('type', [
  /** A login, register or refresh wrote this session. */
  z.object({ type: z.literal('updated'), session: storedSession }),
  /** This session is over (logout, or a session-ending answer) for `reason`. */
  z.object({
    type: z.literal('ended'),
    sessionId: z.string(),
    reason: z.enum([...SESSION_ENDING_CODES, 'LOGGED_OUT']),
  }),
]);
export type TabMessage = z.infer<typeof tabMessage>;

export interface TabChannel {
  post(message: TabMessage): void;
  close(): void;
}

/** The BroadcastChannel API as used here (browsers, and Node ≥ 18 where it also exists). */
interface BroadcastChannelLike {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
  /** Node only: lets the process exit while the channel is open. */
  unref?(): void;
}

/**
 * A BroadcastChannel carrying `TabMessage`s between the tabs of one origin, or `undefined` where
 * there is none. In Node the channel is unref'd so it never keeps a process alive.
 */
export function openTabChannel(
  name: string,
  onMessage: (message: TabMessage) => void,
): TabChannel | undefined {
  const scope = globalThis as unknown as {
    BroadcastChannel?: new (name: string) => BroadcastChannelLike;
  };
  const Channel = scope.BroadcastChannel;
  if (typeof Channel !== 'function') return undefined;
  const channel = new Channel(name);
  channel.unref?.();
  channel.onmessage = (event) => {
    const parsed = tabMessage.safeParse(event.data);
    if (parsed.success) onMessage(parsed.data);
  };
  return {
    post(message) {
      try {
        channel.postMessage(message);
      } catch {
        // A closed channel (client closed) has nobody left to tell.
      }
    },
    close: () => channel.close(),
  };
}
