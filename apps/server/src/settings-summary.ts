import { type Settings, settingsSchema } from './config.js';

/** Secrets are never shown, only whether they are set. */
const SECRET_KEYS = new Set<keyof Settings>([
  'JWT_SECRET',
  'JWT_PRIVATE_KEY',
  'JWT_PREVIOUS_KEYS',
  'INTROSPECTION_CLIENTS',
]);

/**
 * The active settings as the start-up log shows them: every value, with secrets reduced to
 * "set"/"unset" and passwords inside URLs replaced by `***`, so the line can go to any log
 * collector. Rate limits read as `<attempts>/<seconds>` like the variables that set them.
 */
export function settingsSummary(settings: Settings): Record<string, string> {
  const summary: Record<string, string> = {};
  // Every setting the schema knows, including those left unset (absent from `settings`).
  for (const key of Object.keys(settingsSchema.shape) as (keyof Settings)[]) {
    const value: unknown = settings[key];
    summary[key] = SECRET_KEYS.has(key)
      ? value === undefined
        ? 'unset'
        : 'set (hidden)'
      : display(value);
  }
  return summary;
}

function display(value: unknown): string {
  if (value === undefined) return 'unset';
  if (Array.isArray(value)) return value.map(display).join(',');
  if (typeof value === 'object' && value !== null && 'attempts' in value && 'windowMs' in value) {
    const { attempts, windowMs } = value as { attempts: number; windowMs: number };
    return `${attempts}/${windowMs / 1000}`;
  }
  return redactUrl(String(value));
}

/** `redis://user:pw@host` → `redis://user:***@host`; anything that is not a URL stays as is. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@/\s]+@/i, '$1***@');
}
