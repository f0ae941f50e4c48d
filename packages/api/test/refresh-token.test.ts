import { describe, expect, it } from 'vitest';
import { newRefreshToken, newSessionId, parseRefreshToken } from '../src/tokens/refresh-token.js';

describe('refresh tokens', () => {
  it('carry the ids in clear and 256 bits of secret, of which only a hash is kept', () => {
    const ref = { userId: 'b3d1c9a2-1111-4222-8333-444455556666', sessionId: newSessionId() };
    const { token, secretHash } = newRefreshToken(ref);
    const [userId, sessionId, secret] = token.split('.');
    expect({ userId, sessionId }).toEqual(ref);
    expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
    expect(secretHash).not.toContain(secret);
    expect(parseRefreshToken(token)).toEqual({ ...ref, secretHash });
    expect(newRefreshToken(ref).token).not.toBe(token);
  });

  it('rejects anything not shaped like one', () => {
    const { token } = newRefreshToken({ userId: 'u', sessionId: 's' });
    for (const bad of [
      '',
      'a.b',
      'a.b.c.d',
      `${token}x`,
      token.replace('.', '{.'),
      `u.s.${'x'.repeat(43)}=`,
      '..',
    ]) {
      expect(parseRefreshToken(bad), bad).toBeUndefined();
    }
  });
});
