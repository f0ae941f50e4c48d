import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionRef } from '../session/session-record.js';

/**
 * Refresh tokens are opaque: `<userId>.<sessionId>.<generation>.<secret>.<tag>`.
 * - the ids in clear let the server address that user's keys in one step;
 * - `generation` counts the session's rotations (0 at login), so the store can tell the live
 *   token, the one rotated last, and any older one apart while keeping only the live secret's
 *   hash (and, for the grace window, the previous one's);
 * - `secret` is 256 random bits; only its SHA-256 is stored;
 * - `tag` = HMAC-SHA256(session tag key, ids ‖ generation), truncated: it proves an older token
 *   was really issued for the session, so a token "from generation 3" made up by someone who
 *   only knows the ids cannot revoke it. The tag key is random per session and kept with it.
 */
export interface ParsedRefreshToken extends SessionRef {
  generation: number;
  secretHash: string;
  tag: string;
}

const PART = /^[A-Za-z0-9_-]+$/;
const GENERATION = /^(0|[1-9][0-9]{0,14})$/;
const SECRET_BYTES = 32;
const SECRET_CHARS = Math.ceil((SECRET_BYTES * 4) / 3);
const TAG_BYTES = 16;
const TAG_CHARS = Math.ceil((TAG_BYTES * 4) / 3);
const TAG_KEY_BYTES = 32;

export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

/** The per-session key of the tags; stored with the session, never sent. */
export function newRefreshTagKey(): string {
  return randomBytes(TAG_KEY_BYTES).toString('base64url');
}

/**
 * A new token for `generation` of the session, still without its tag: the tag key of an existing
 * session is known only once the store has rotated (see `tagRefreshToken`).
 */
export function newUntaggedRefreshToken(
  ref: SessionRef,
  generation: number,
): { untagged: string; secretHash: string } {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return {
    untagged: `${ref.userId}.${ref.sessionId}.${generation}.${secret}`,
    secretHash: hashSecret(secret),
  };
}

export function tagRefreshToken(
  untagged: string,
  tagKey: string,
  ref: SessionRef,
  generation: number,
): string {
  return `${untagged}.${refreshTag(tagKey, ref, generation)}`;
}

/** Constant-time check that `tag` was made with the session's key for that generation. */
export function isAuthenticTag(
  tagKey: string,
  ref: SessionRef,
  generation: number,
  tag: string,
): boolean {
  const expected = Buffer.from(refreshTag(tagKey, ref, generation));
  const given = Buffer.from(tag);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Undefined for anything that is not shaped like a token Latch issued. */
export function parseRefreshToken(token: string): ParsedRefreshToken | undefined {
  const parts = token.split('.');
  if (parts.length !== 5 || !parts.every((part) => PART.test(part))) return undefined;
  const [userId, sessionId, generation, secret, tag] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (!GENERATION.test(generation) || secret.length !== SECRET_CHARS) return undefined;
  if (tag.length !== TAG_CHARS) return undefined;
  return { userId, sessionId, generation: Number(generation), secretHash: hashSecret(secret), tag };
}

/** The tag of `generation`'s token: HMAC-SHA256 under the session's key, truncated to 128 bits. */
export function refreshTag(tagKey: string, ref: SessionRef, generation: number): string {
  return createHmac('sha256', Buffer.from(tagKey, 'base64url'))
    .update(`latch-refresh-tag\0${ref.userId}\0${ref.sessionId}\0${generation}`)
    .digest()
    .subarray(0, TAG_BYTES)
    .toString('base64url');
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
