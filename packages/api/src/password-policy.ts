import { PASSWORD_MAX_LENGTH } from '@latch/shared';
import { isCommonPassword } from './common-passwords.js';

/**
 * What a new password must be (NIST SP 800-63B §5.1.1.2, OWASP ASVS V2.1): long enough, not
 * too long, and not one that attackers try first. No composition rules: they make passwords
 * harder to remember, not to guess. Pure apart from the bundled list.
 */

/** Unicode NFKC, applied before hashing so every way of typing the same text is one password. */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Why a new password is refused, in words for the field error; undefined when it is fine. */
export function passwordProblem(password: string, minLength: number): string | undefined {
  const normalized = normalizePassword(password);
  const length = [...normalized].length; // code points, not UTF-16 units
  if (length < minLength) return `Use at least ${minLength} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (new Set(normalized).size === 1) return 'Do not use one character repeated.';
  if (isCommonPassword(normalized)) return 'This password is too common: choose another.';
  return undefined;
}

/**
 * The forms to check a typed password against a stored hash: the NFKC form, and the text as
 * typed when it differs — hashes made before passwords were normalised are of that form.
 */
export function passwordCandidates(typed: string): string[] {
  const normalized = normalizePassword(typed);
  return normalized === typed ? [typed] : [normalized, typed];
}
