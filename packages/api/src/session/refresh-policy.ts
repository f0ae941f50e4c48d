/**
 * Which refresh token is which, decided from the session's bounded state. Pure: the memory store
 * calls it, the Redis rotate script mirrors it in Lua, and the contract suite holds both to it.
 *
 * A session keeps its live generation and the hash of the live secret; for the grace window
 * only, the hash of the secret rotated last and when. So memory per session is constant however
 * often it refreshes, and still every token ever issued for it is recognised:
 * - the live token rotates;
 * - the token rotated last, less than the grace window ago, gets its first answer again
 *   (tabs refreshing at once, a retry after a lost response);
 * - any older generation is reuse — once its tag proves the token was really issued for this
 *   session (`isAuthenticTag`), which the store checks outside the atomic step.
 */
export interface RefreshState {
  generation: number;
  liveHash: string;
  liveExpiresAt: number;
  /** The token rotated last, while its grace window lasts. */
  previous: { hash: string; rotatedAt: number } | undefined;
}

export interface PresentedRefresh {
  generation: number;
  hash: string;
}

export type RefreshDecision =
  | 'rotate'
  | 'grace'
  /** An older generation: reuse if its tag is authentic, else a made-up token. */
  | 'older'
  | 'invalid';

export function judgeRefresh(
  state: RefreshState,
  presented: PresentedRefresh,
  now: number,
  graceMs: number,
): RefreshDecision {
  // Hashes of 256-bit secrets: comparing them leaks nothing an attacker can use.
  if (presented.generation === state.generation) {
    return presented.hash === state.liveHash && now < state.liveExpiresAt ? 'rotate' : 'invalid';
  }
  const { previous } = state;
  if (
    presented.generation === state.generation - 1 &&
    previous?.hash === presented.hash &&
    now < previous.rotatedAt + graceMs
  ) {
    return 'grace';
  }
  return presented.generation < state.generation ? 'older' : 'invalid';
}
