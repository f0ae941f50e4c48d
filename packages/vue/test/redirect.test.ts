import { describe, expect, it } from 'vitest';
import { safeRedirect } from '../src/redirect.js';

describe('safeRedirect: only same-origin paths, never the login page', () => {
  it.each([
    ['/sessions', '/sessions'],
    ['/', '/'],
    ['/sessions?tab=all#top', '/sessions?tab=all#top'],
    ['/a/../sessions', '/sessions'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('keeps %s', (raw, expected) => {
    expect(safeRedirect(raw)).toBe(expected);
  });

  it.each([
    'https://evil.example',
    'https://evil.example/sessions',
    'http:/evil.example',
    '//evil.example',
    '//evil.example/sessions',
    '///evil.example',
    '/\\evil.example',
    '\\/evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    ' /sessions',
    '/..//evil.example',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,hi',
    'sessions',
    '',
    '/login',
    '/login?redirect=/sessions',
    '/LOGIN/',
    `/${'a'.repeat(3000)}`,
  ])('sends %j to /', (raw) => {
    expect(safeRedirect(raw)).toBe('/');
  });

  it('takes the first of repeated ?redirect= values and ignores non-strings', () => {
    expect(safeRedirect(['/sessions', '//evil.example'])).toBe('/sessions');
    expect(safeRedirect(['//evil.example', '/sessions'])).toBe('/');
    expect(safeRedirect(undefined)).toBe('/');
    expect(safeRedirect(null)).toBe('/');
    expect(safeRedirect(42)).toBe('/');
  });

  it('refuses the login page wherever the app puts it', () => {
    expect(safeRedirect('/sign-in?redirect=/x', '/', '/sign-in')).toBe('/');
    expect(safeRedirect('/SIGN-IN/', '/', '/sign-in')).toBe('/');
    expect(safeRedirect('/login', '/', '/sign-in')).toBe('/login');
  });
});
