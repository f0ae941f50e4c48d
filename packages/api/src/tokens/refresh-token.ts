import { createHash, randomBytes } from 'node:crypto';
import type { SessionRef } from '../session/session-record.js';

/**
 * Refresh tokens are opaque: `<userId>.<sessionId>.<secret>`. The ids in clear let the server
 * address that user's keys in one step; only the secret's hash is stored.
 */
export interface ParsedRefreshToken extends SessionRef {
  secretHash: string;
}

const PART = /^[A-Za-z0-9_-]+$/;
const SECRET_BYTES = 32;

export function newSessionId(): string {
  return randomBytes(16).toString('base64url');
}

export function newRefreshToken(ref: SessionRef): { token: string; secretHash: string } {
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { token: `${ref.userId}.${ref.sessionId}.${secret}`, secretHash: hashSecret(secret) };
}

/** Undefined for anything that is not shaped like a token Latch issued. */
export function parseRefreshToken(token: string): ParsedRefreshToken | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => PART.test(part))) return undefined;
  const [userId, sessionId, secret] = parts as [string, string, string];
  if (secret.length !== Math.ceil((SECRET_BYTES * 4) / 3)) return undefined;
  return { userId, sessionId, secretHash: hashSecret(secret) };
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
