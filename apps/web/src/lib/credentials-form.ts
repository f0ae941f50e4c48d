import { failureOf } from '@latch/client';
import { safeRedirect, secondsLeft, useAuth, useNow } from '@latch/vue';
import { computed, nextTick, onMounted, reactive, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import {
  type CredentialField,
  credentialFieldErrors,
  type FormErrors,
  loginFailureErrors,
  noFormErrors,
  rateLimitedText,
  requiredFieldErrors,
} from './messages';

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

  /** Rate limited: the form waits until then, counting down. */
  const retryAt = ref<number | null>(null);
  const now = useNow(250);
  const waitSeconds = computed(() =>
    retryAt.value === null ? 0 : secondsLeft(retryAt.value, now.value),
  );
  /** Said once to screen readers; the visible countdown is not re-announced every second. */
  const rateLimitAnnouncement = ref('');
  watch(waitSeconds, (seconds) => {
    if (seconds === 0 && retryAt.value !== null) {
      retryAt.value = null;
      rateLimitAnnouncement.value = '';
    }
  });

  const notice = computed(() => auth.state.notice);
  const usernameInput = ref<HTMLInputElement | null>(null);
  const passwordInput = ref<HTMLInputElement | null>(null);

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
      if (next.retryAfterMs !== null) {
        retryAt.value = Date.now() + next.retryAfterMs;
        now.value = Date.now();
        rateLimitAnnouncement.value = rateLimitedText(waitSeconds.value);
      }
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
