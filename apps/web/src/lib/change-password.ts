import type { CallFailure } from '@latch/client';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH_FLOOR } from '@latch/shared';

export type ChangePasswordField = 'currentPassword' | 'newPassword' | 'confirmPassword';

export interface ChangePasswordErrors {
  form: string | null;
  fields: Partial<Record<ChangePasswordField, string>>;
  retryAfterMs: number | null;
}

export const noChangePasswordErrors = (): ChangePasswordErrors => ({
  form: null,
  fields: {},
  retryAfterMs: null,
});

export interface ChangePasswordForm {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

/**
 * What can be said before asking the server: empty fields, a confirmation that differs, and the
 * bounds every server holds. The server's own minimum and its common-password list answer after.
 */
export function changePasswordFieldErrors(
  form: ChangePasswordForm,
): ChangePasswordErrors['fields'] {
  const fields: ChangePasswordErrors['fields'] = {};
  if (!form.currentPassword) fields.currentPassword = 'Enter your current password.';
  if (!form.newPassword) fields.newPassword = 'Enter a new password.';
  else if ([...form.newPassword].length < PASSWORD_MIN_LENGTH_FLOOR)
    fields.newPassword = `Use at least ${PASSWORD_MIN_LENGTH_FLOOR} characters.`;
  else if ([...form.newPassword.normalize('NFKC')].length > PASSWORD_MAX_LENGTH)
    fields.newPassword = `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  else if (form.newPassword === form.currentPassword)
    fields.newPassword = 'Choose a password other than your current one.';
  if (form.newPassword && form.confirmPassword !== form.newPassword)
    fields.confirmPassword = 'The two new passwords differ.';
  return fields;
}

/** Turns a failed `auth.changePassword` into words. */
export function changePasswordFailureErrors(failure: CallFailure): ChangePasswordErrors {
  const errors = noChangePasswordErrors();
  if (failure.authCode === 'INVALID_CREDENTIALS') {
    errors.fields.currentPassword = 'Your current password is not right.';
    return errors;
  }
  if (failure.authCode === 'AUTH_UNAVAILABLE') {
    errors.form = 'The sign-in service is unavailable. Please try again in a moment.';
    return errors;
  }
  switch (failure.code) {
    case 'BAD_REQUEST': {
      const server = failure.fieldErrors.newPassword?.[0];
      if (server) errors.fields.newPassword = server;
      else errors.form = 'Please check what you entered.';
      return errors;
    }
    case 'TOO_MANY_REQUESTS':
      errors.retryAfterMs = Math.max(1000, failure.retryAfterMs ?? 60_000);
      return errors;
    case 'NETWORK':
      errors.form = "Can't reach the server. Check your connection and try again.";
      return errors;
  }
  errors.form = 'Something went wrong. Please try again.';
  return errors;
}
