export const DEFAULT_LOGIN_PATH = '/login';
export const DEFAULT_HOME_PATH = '/';

const BASE = 'https://app.latch.invalid';

/**
 * Where to go after login, from an untrusted `?redirect=` value: a path on this origin, or
 * `fallback`. Rejects absolute URLs, scheme-relative (`//host`) and backslash (`/\host`) forms,
 * control characters (browsers strip tabs and newlines, turning `/\t/host` into `//host`),
 * anything that resolves to another origin, and the login page itself (no loops).
 */
export function safeRedirect(
  raw: unknown,
  fallback: string = DEFAULT_HOME_PATH,
  loginPath: string = DEFAULT_LOGIN_PATH,
): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return fallback;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return fallback;
  }
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  // `/..//host` normalises to `//host`: same origin to the parser, another host to a browser.
  if (url.origin !== BASE || url.pathname.startsWith('//')) return fallback;
  if (isLoginPath(url.pathname, loginPath)) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

export function isLoginPath(pathname: string, loginPath: string = DEFAULT_LOGIN_PATH): boolean {
  const normalise = (path: string) => path.replace(/\/+$/, '').toLowerCase();
  return normalise(pathname) === normalise(loginPath);
}
