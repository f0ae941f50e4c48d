import { describe, expect, it } from 'vitest';
import {
  isAuthenticTag,
  newRefreshTagKey,
  newSessionId,
  newUntaggedRefreshToken,
  parseRefreshToken,
  refreshTag,
  tagRefreshToken,
} from '../src/tokens/refresh-token.js';

const ref = { userId: 'b3d1c9a2-1111-4222-8333-444455556666', sessionId: newSessionId() };

describe('refresh tokens', () => {
  it('carry the ids and generation in clear, 256 bits of secret (only its hash kept) and a tag', () => {
    const tagKey = newRefreshTagKey();
    const { untagged, secretHash } = newUntaggedRefreshToken(ref, 7);
    const token = tagRefreshToken(untagged, tagKey, ref, 7);
    const [userId, sessionId, generation, secret, tag] = token.split('.');
    expect({ userId, sessionId, generation }).toEqual({ ...ref, generation: '7' });
    expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(secretHash).not.toContain(secret);
    expect(parseRefreshToken(token)).toEqual({ ...ref, generation: 7, secretHash, tag });
    expect(newUntaggedRefreshToken(ref, 7).untagged).not.toBe(untagged);
  });

  it('tags bind the session key, the ids and the generation; checked in constant time', () => {
    const tagKey = newRefreshTagKey();
    const tag = refreshTag(tagKey, ref, 3);
    expect(isAuthenticTag(tagKey, ref, 3, tag)).toBe(true);
    expect(isAuthenticTag(tagKey, ref, 4, tag)).toBe(false);
    expect(isAuthenticTag(newRefreshTagKey(), ref, 3, tag)).toBe(false);
    expect(isAuthenticTag(tagKey, { ...ref, sessionId: newSessionId() }, 3, tag)).toBe(false);
    expect(isAuthenticTag(tagKey, { ...ref, userId: 'someone-else' }, 3, tag)).toBe(false);
    expect(isAuthenticTag(tagKey, ref, 3, tag.slice(1))).toBe(false);
    expect(isAuthenticTag(tagKey, ref, 3, '')).toBe(false);
  });

  it('rejects anything not shaped like one', () => {
    const tagKey = newRefreshTagKey();
    const token = tagRefreshToken(newUntaggedRefreshToken(ref, 0).untagged, tagKey, ref, 0);
    const [u, s, , secret, tag] = token.split('.') as [string, string, string, string, string];
    for (const bad of [
      '',
      'a.b',
      'a.b.c.d',
      `${u}.${s}.${secret}`, // the previous release's format
      `${token}x`,
      `${token}.x`,
      token.replace('.', '{.'),
      `${u}.${s}.01.${secret}.${tag}`,
      `${u}.${s}.-1.${secret}.${tag}`,
      `${u}.${s}.1e3.${secret}.${tag}`,
      `${u}.${s}.${'9'.repeat(16)}.${secret}.${tag}`,
      `${u}.${s}.0.${secret}=.${tag}`,
      `${u}.${s}.0.${secret}.${tag}A`,
      '....',
    ]) {
      expect(parseRefreshToken(bad), bad).toBeUndefined();
    }
  });
});
