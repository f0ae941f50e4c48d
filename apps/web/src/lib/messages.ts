import type { CallFailure, SessionEndReason } from '@latch/client';
import { registerInput } from '@latch/shared';
import type { LoginNotice } from '@latch/vue';

/** One sentence per reason the client can end a session with, grouped by what the user should know. */
export const sessionEndMessages: Record<SessionEndReason, string> = {
  SESSION_EXPIRED: 'Your session expired, please log in again.',
  SESSION_REVOKED: 'You were signed out (logged out elsewhere or revoked).',
  REFRESH_REUSED: 'You were signed out (logged out elsewhere or revoked).',
  TOKEN_INVALID: 'Your sign-in token was abnormal, please log in again.',
  TOKEN_MISSING: 'Your sign-in token was abnormal, please log in again.',
  REFRESH_INVALID: 'Your sign-in token was abnormal, please log in again.',
};

export function noticeText(notice: LoginNotice): string {
  switch (notice.kind) {
    case 'session-ended':
      return sessionEndMessages[notice.reason];
    case 'logged-out':
      return 'You have logged out.';
    case 'logged-out-elsewhere':
      return 'You logged out in another tab or window.';
    case 'logged-out-everywhere':
      return notice.count === 1
        ? 'You logged out everywhere (1 session ended).'
        : `You logged out everywhere (${notice.count} sessions ended).`;
  }
}

/** Notices that tell of something the user did not do themselves get the warning style. */
export function noticeTone(notice: LoginNotice): 'info' | 'warning' {
  return notice.kind === 'session-ended' || notice.kind === 'logged-out-elsewhere'
    ? 'warning'
    : 'info';
}

export type CredentialField = 'username' | 'password';

/** What the login/register form shows: one message for the form, and messages by the fields. */
export interface FormErrors {
  form: string | null;
  fields: Partial<Record<CredentialField, string>>;
  /** Set with `RATE_LIMITED`: the form counts down and stays disabled until then. */
  retryAfterMs: number | null;
}

export const noFormErrors = (): FormErrors => ({ form: null, fields: {}, retryAfterMs: null });

/** "45 s", "15 minutes": short waits count seconds, long ones read in minutes. */
export function formatWait(seconds: number): string {
  if (seconds <= 90) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

export const rateLimitedText = (seconds: number) =>
  `Too many attempts. Try again in ${formatWait(seconds)}.`;

/** Turns a failed login/register call into words. */
export function loginFailureErrors(
  failure: CallFailure,
  mode: 'login' | 'register',
  input: { username: string; password: string },
): FormErrors {
  const errors = noFormErrors();
  switch (failure.authCode) {
    case 'INVALID_CREDENTIALS':
      errors.form = 'Wrong username or password.';
      return errors;
    case 'AUTH_UNAVAILABLE':
      errors.form = 'Sign-in is temporarily unavailable. Please try again in a moment.';
      return errors;
  }
  switch (failure.code) {
    case 'BAD_REQUEST': {
      // Friendlier words from the same shared schema the server checked with; the server's
      // own messages for anything the local check does not explain.
      const local = credentialFieldErrors(input);
      for (const field of ['username', 'password'] as const) {
        const server = failure.fieldErrors[field]?.[0];
        const text = local[field] ?? (server && sentence(server));
        if (text) errors.fields[field] = text;
      }
      if (!errors.fields.username && !errors.fields.password) {
        errors.form = 'Please check what you entered.';
      }
      return errors;
    }
    case 'NOT_FOUND':
      if (mode === 'register') {
        errors.form = 'Registration is closed on this server. Log in with an existing account.';
        return errors;
      }
      break;
    case 'CONFLICT':
      errors.fields.username = 'That username is taken. Choose another one.';
      return errors;
    case 'TOO_MANY_REQUESTS': // RATE_LIMITED, or a 429 from a proxy in front
      errors.retryAfterMs = Math.max(1000, failure.retryAfterMs ?? 60_000);
      return errors;
    case 'NETWORK':
      errors.form = "Can't reach the server. Check your connection and try again.";
      return errors;
  }
  errors.form = 'Something went wrong. Please try again.';
  return errors;
}

/**
 * Checks the fields with the shared zod schema (the one the server uses) and words its issues for
 * people: "Use at least 8 characters." rather than zod's technical default.
 */
export function credentialFieldErrors(input: {
  username: string;
  password: string;
}): Partial<Record<CredentialField, string>> {
  const result = registerInput.safeParse(input);
  if (result.success) return {};
  const fields: Partial<Record<CredentialField, string>> = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if ((field !== 'username' && field !== 'password') || fields[field]) continue;
    if (issue.code === 'too_small') {
      fields[field] =
        input[field].length === 0
          ? `Enter a ${field}.`
          : `Use at least ${String(issue.minimum)} characters.`;
    } else if (issue.code === 'too_big') {
      fields[field] = `Use at most ${String(issue.maximum)} characters.`;
    } else {
      fields[field] = `Use ${sentence(issue.message).replace(/^Only/, 'only')}`;
    }
  }
  return fields;
}

/** Only the emptiness check: logging in must not lecture about rules for new passwords. */
export function requiredFieldErrors(input: {
  username: string;
  password: string;
}): Partial<Record<CredentialField, string>> {
  const fields: Partial<Record<CredentialField, string>> = {};
  if (!input.username.trim()) fields.username = 'Enter your username.';
  if (!input.password) fields.password = 'Enter your password.';
  return fields;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
