import { failureOf } from '@latch/client';
import { safeRedirect, useAuth } from '@latch/vue';
import { computed, nextTick, onMounted, reactive, ref } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { Focusable } from './focusable';
import {
  type CredentialField,
  credentialFieldErrors,
  type FormErrors,
  loginFailureErrors,
  noFormErrors,
  requiredFieldErrors,
} from './messages';
import { useRateLimitWait } from './rate-limit-wait';

const REGISTRATION_CLOSED_KEY = 'latch-web:registration-closed';

/** Whether this tab has seen the server refuse registration (`auth.register` → NOT_FOUND). */
export function registrationSeenClosed(): boolean {
  try {
    return sessionStorage.getItem(REGISTRATION_CLOSED_KEY) === '1';
  } catch {
    return false;
  }
}

function rememberRegistrationClosed(): void {
  try {
    sessionStorage.setItem(REGISTRATION_CLOSED_KEY, '1');
  } catch {}
}

/**
 * The state and behaviour the login and register pages share: fields, errors by field, the
 * rate-limit countdown, focus on the first invalid field, and where to go once signed in.
 */
export function useCredentialsForm(mode: 'login' | 'register') {
  const auth = useAuth();
  const route = useRoute();
  const router = useRouter();

  const form = reactive({ username: '', password: '' });
  const errors = ref<FormErrors>(noFormErrors());
  const busy = ref(false);
  const registrationClosed = ref(registrationSeenClosed());

  // Logins are limited per (ip, username): a wait holds back only the name it was for.
  // Registrations are limited per ip: one wait for every name.
  const {
    retryAt,
    waitSeconds,
    announcement: rateLimitAnnouncement,
    start: startWait,
  } = useRateLimitWait(() =>
    mode === 'login' ? form.username.trim().toLowerCase() : 'registration',
  );

  const notice = computed(() => auth.state.notice);
  const usernameInput = ref<Focusable | null>(null);
  const passwordInput = ref<Focusable | null>(null);

  async function focusFirstInvalid() {
    await nextTick();
    if (errors.value.fields.username) usernameInput.value?.focus();
    else if (errors.value.fields.password) passwordInput.value?.focus();
  }

  async function submit() {
    if (busy.value || retryAt.value !== null) return;
    const input = { username: form.username.trim(), password: form.password };
    const fields = mode === 'login' ? requiredFieldErrors(input) : credentialFieldErrors(input);
    errors.value = { ...noFormErrors(), fields };
    if (Object.keys(fields).length > 0) {
      await focusFirstInvalid();
      return;
    }
    busy.value = true;
    try {
      await auth.login(input, mode);
      await router.replace(safeRedirect(route.query.redirect));
    } catch (error) {
      const failure = failureOf(error);
      const next = loginFailureErrors(failure, mode, input);
      if (mode === 'register' && failure.code === 'NOT_FOUND') {
        registrationClosed.value = true;
        rememberRegistrationClosed();
      }
      if (next.retryAfterMs !== null) startWait(next.retryAfterMs);
      if (failure.authCode === 'INVALID_CREDENTIALS') {
        form.password = '';
        await nextTick();
        passwordInput.value?.focus();
      }
      errors.value = next;
      await focusFirstInvalid();
    } finally {
      busy.value = false;
    }
  }

  onMounted(() => usernameInput.value?.focus());

  const fieldError = (field: CredentialField) => errors.value.fields[field];

  return {
    form,
    errors,
    busy,
    retryAt,
    waitSeconds,
    rateLimitAnnouncement,
    notice,
    registrationClosed,
    usernameInput,
    passwordInput,
    submit,
    fieldError,
    /** The query to carry to the other page, so the redirect target survives the switch. */
    carriedQuery: computed(() =>
      typeof route.query.redirect === 'string' ? { redirect: route.query.redirect } : {},
    ),
  };
}
