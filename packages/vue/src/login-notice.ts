import type { SessionEndReason } from '@latch/client';

/**
 * Why the user is on the login page, if not by choice: the store sets it, the app words it. A
 * session the client ended carries the server's reason; the others are the user's own doing.
 */
export type LoginNotice =
  | { kind: 'session-ended'; reason: SessionEndReason }
  | { kind: 'logged-out' }
  | { kind: 'logged-out-elsewhere' }
  | { kind: 'logged-out-everywhere'; count: number };
