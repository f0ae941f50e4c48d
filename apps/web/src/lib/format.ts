/** Times as people read them; every input is epoch milliseconds, as on the wire. */

// One format for every moment the app shows (the browser's locale, seconds included, since idle
// deadlines are minutes away): "Dec 2, 2026, 3:37:01 PM", "2 déc. 2026, 15:37:01".
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'medium',
});

export function formatDateTime(epochMs: number): string {
  return dateTimeFormat.format(epochMs);
}

/** ISO form for `<time datetime>`. */
export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** "just now", "5 min ago", "in 3 h", "2 days ago". */
export function formatRelative(epochMs: number, now: number): string {
  const diff = epochMs - now;
  const abs = Math.abs(diff);
  if (abs < 10_000) return diff <= 0 ? 'just now' : 'in a few seconds';
  const [value, unit] =
    abs < 60_000
      ? [Math.round(abs / 1000), 's']
      : abs < 3_600_000
        ? [Math.round(abs / 60_000), 'min']
        : abs < 86_400_000
          ? [Math.round(abs / 3_600_000), 'h']
          : [Math.round(abs / 86_400_000), abs < 2 * 86_400_000 ? 'day' : 'days'];
  return diff < 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}

/** For moments that have passed: a server time a little ahead of this clock still reads "just now". */
export function formatAgo(epochMs: number, now: number): string {
  return formatRelative(Math.min(epochMs, now), now);
}

/** "Chrome on Linux" from a user agent string; the raw string when nothing is recognised. */
export function describeUserAgent(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser =
    match(userAgent, [
      [/Edg\//, 'Edge'],
      [/OPR\//, 'Opera'],
      [/Firefox\//, 'Firefox'],
      [/HeadlessChrome\//, 'Headless Chrome'],
      [/Chrom(e|ium)\//, 'Chrome'],
      [/Version\/[\d.]+.*Safari\//, 'Safari'],
      [/^curl\//, 'curl'],
      [/^node|undici/i, 'Node.js'],
    ]) ?? null;
  const system =
    match(userAgent, [
      [/Windows NT/, 'Windows'],
      [/Android/, 'Android'],
      [/iPhone|iPad|iPod/, 'iOS'],
      [/Mac OS X|Macintosh/, 'macOS'],
      [/CrOS/, 'ChromeOS'],
      [/Linux/, 'Linux'],
    ]) ?? null;
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `Browser on ${system}`;
  return userAgent.length > 60 ? `${userAgent.slice(0, 57)}…` : userAgent;
}

function match(text: string, rules: [RegExp, string][]): string | undefined {
  return rules.find(([pattern]) => pattern.test(text))?.[1];
}
