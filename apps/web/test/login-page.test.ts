import type { DOMWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionEndMessages } from '../src/lib/messages';
import { alice, apiError, FakePort } from './fake-port';
import { type Mounted, mountApp, settle } from './setup';

let mounted: Mounted | undefined;
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = undefined;
  vi.useRealTimers();
  sessionStorage.clear();
});

/** The input a `<label>` with exactly this text is for. */
function field(app: Mounted, label: string): DOMWrapper<HTMLInputElement> {
  const labelElement = app.wrapper.findAll('label').find((l) => l.text() === label);
  if (!labelElement) throw new Error(`no label "${label}"`);
  return app.wrapper.find<HTMLInputElement>(`#${labelElement.attributes('for')}`);
}

function button(app: Mounted, name: string) {
  const found = app.wrapper.findAll('button').find((b) => b.text() === name);
  if (!found) throw new Error(`no button "${name}"`);
  return found;
}

async function submit(app: Mounted, username: string, password: string) {
  await field(app, 'Username').setValue(username);
  await field(app, 'Password').setValue(password);
  await app.wrapper.find('form').trigger('submit');
  await settle();
}

const formError = (app: Mounted) => app.wrapper.find('[data-testid="form-error"]');

describe('login page', () => {
  let port: FakePort;
  beforeEach(() => {
    port = new FakePort(null);
  });

  it('has inputs labelled Username and Password and a Log in button', async () => {
    mounted = await mountApp(port, '/login');
    expect(field(mounted, 'Username').attributes('type')).toBe('text');
    expect(field(mounted, 'Username').attributes('autocomplete')).toBe('username');
    expect(field(mounted, 'Password').attributes('type')).toBe('password');
    expect(field(mounted, 'Password').attributes('autocomplete')).toBe('current-password');
    expect(button(mounted, 'Log in').attributes('type')).toBe('submit');
    expect(mounted.wrapper.find('h1').text()).toBe('Log in');
  });

  it('logs in and goes to the redirect target', async () => {
    mounted = await mountApp(port, '/login?redirect=/sessions');
    await submit(mounted, 'alice', 'correct horse');
    expect(port.calls).toContain('login:alice');
    expect(mounted.path()).toBe('/sessions');
  });

  it('goes to / when the redirect target is another site', async () => {
    mounted = await mountApp(port, `/login?redirect=${encodeURIComponent('//evil.example')}`);
    await submit(mounted, 'alice', 'correct horse');
    expect(mounted.path()).toBe('/');
    expect(mounted.wrapper.text()).toContain('Signed in as alice');
  });

  it('asks for empty fields by the fields, without calling the server', async () => {
    mounted = await mountApp(port, '/login');
    await submit(mounted, '', '');
    const username = field(mounted, 'Username');
    expect(username.attributes('aria-invalid')).toBe('true');
    expect(mounted.wrapper.find(`#${username.attributes('aria-describedby')}`).text()).toBe(
      'Enter your username.',
    );
    expect(mounted.wrapper.find('#password-error').text()).toBe('Enter your password.');
    expect(document.activeElement?.id).toBe('username');
    expect(port.calls).toEqual([]);
  });

  it('says "Wrong username or password." and clears the password', async () => {
    port.loginResult = async () => {
      throw apiError('UNAUTHORIZED', { authCode: 'INVALID_CREDENTIALS' });
    };
    mounted = await mountApp(port, '/login');
    await submit(mounted, 'alice', 'not it at all');
    expect(formError(mounted).text()).toContain('Wrong username or password.');
    expect(formError(mounted).attributes('role')).toBe('alert');
    expect(field(mounted, 'Password').element.value).toBe('');
    expect(field(mounted, 'Username').element.value).toBe('alice');
    expect(mounted.path()).toBe('/login');
  });

  it('counts down a rate limit in seconds and keeps the button disabled until it ends', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    port.loginResult = async () => {
      throw apiError('TOO_MANY_REQUESTS', { authCode: 'RATE_LIMITED', retryAfterMs: 3000 });
    };
    mounted = await mountApp(port, '/login');
    await submit(mounted, 'alice', 'whatever it is');
    expect(formError(mounted).text()).toBe('× Too many attempts. Try again in 3 s.');
    expect(button(mounted, 'Log in').attributes('disabled')).toBeDefined();
    // Screen readers hear it once, not every second.
    expect(mounted.wrapper.find('p[role="alert"]').text()).toBe(
      'Too many attempts. Try again in 3 s.',
    );

    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(formError(mounted).text()).toContain('Try again in 2 s.');
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(formError(mounted).text()).toContain('Try again in 1 s.');
    await vi.advanceTimersByTimeAsync(1000);
    await settle();
    expect(formError(mounted).exists()).toBe(false);
    expect(button(mounted, 'Log in').attributes('disabled')).toBeUndefined();
  });

  it('says sign-in is temporarily unavailable on AUTH_UNAVAILABLE', async () => {
    port.loginResult = async () => {
      throw apiError('SERVICE_UNAVAILABLE', { authCode: 'AUTH_UNAVAILABLE' });
    };
    mounted = await mountApp(port, '/login');
    await submit(mounted, 'alice', 'correct horse');
    expect(formError(mounted).text()).toContain('Sign-in is temporarily unavailable');
  });

  it("says so when the server can't be reached", async () => {
    port.loginResult = async () => {
      throw Object.assign(new TypeError('Failed to fetch'), { name: 'TRPCClientError' });
    };
    mounted = await mountApp(port, '/login');
    await submit(mounted, 'alice', 'correct horse');
    expect(formError(mounted).text()).toContain("Can't reach the server.");
  });

  it("shows BAD_REQUEST field errors by their fields, in people's words", async () => {
    port.loginResult = async () => {
      throw apiError('BAD_REQUEST', {
        fieldErrors: {
          username: ['Too small: expected string to have >=3 characters'],
          password: ['Something only the server knows'],
        },
      });
    };
    mounted = await mountApp(port, '/login');
    await submit(mounted, 'al', 'pw');
    expect(mounted.wrapper.find('#username-error').text()).toBe('Use at least 3 characters.');
    expect(mounted.wrapper.find('#password-error').text()).toBe('Use at least 8 characters.');
    expect(field(mounted, 'Username').attributes('aria-describedby')).toBe('username-error');
    expect(formError(mounted).exists()).toBe(false);

    port.loginResult = async () => {
      throw apiError('BAD_REQUEST', { fieldErrors: { password: ['too weird'] } });
    };
    await submit(mounted, 'alice', 'long enough password');
    expect(mounted.wrapper.find('#password-error').text()).toBe('Too weird.');
    expect(mounted.wrapper.find('#username-error').exists()).toBe(false);
  });

  describe('registration', () => {
    it('toggles to a register form, checks the fields with the shared schema, and signs up', async () => {
      mounted = await mountApp(port, '/login?redirect=/sessions');
      await button(mounted, 'Create an account').trigger('click');
      expect(mounted.wrapper.find('h1').text()).toBe('Create an account');
      expect(field(mounted, 'Password').attributes('autocomplete')).toBe('new-password');

      await field(mounted, 'Username').setValue('bad name!');
      await field(mounted, 'Password').setValue('short');
      await mounted.wrapper.find('form').trigger('submit');
      await settle();
      expect(mounted.wrapper.find('#username-error').text()).toMatch(/^Use only letters, digits/);
      expect(mounted.wrapper.find('#password-error').text()).toBe('Use at least 8 characters.');
      expect(port.calls).toEqual([]);

      await submit(mounted, 'newcomer', 'long enough password');
      expect(port.calls[0]).toBe('register:newcomer');
      expect(mounted.path()).toBe('/sessions');
    });

    it('says registration is closed when auth.register answers NOT_FOUND, and hides the toggle', async () => {
      port.loginResult = async () => {
        throw apiError('NOT_FOUND');
      };
      mounted = await mountApp(port, '/login');
      await button(mounted, 'Create an account').trigger('click');
      await submit(mounted, 'newcomer', 'long enough password');
      expect(formError(mounted).text()).toContain('Registration is closed on this server.');
      expect(mounted.wrapper.find('h1').text()).toBe('Log in');
      expect(mounted.wrapper.findAll('button').some((b) => b.text() === 'Create an account')).toBe(
        false,
      );
    });

    it('says a taken username by the username field', async () => {
      port.loginResult = async () => {
        throw apiError('CONFLICT');
      };
      mounted = await mountApp(port, '/login');
      await button(mounted, 'Create an account').trigger('click');
      await submit(mounted, 'alice', 'long enough password');
      expect(mounted.wrapper.find('#username-error').text()).toBe(
        'That username is taken. Choose another one.',
      );
    });
  });

  describe('notice naming why the session ended', () => {
    it.each([
      ['SESSION_EXPIRED', 'Your session expired, please log in again.'],
      ['SESSION_REVOKED', 'You were signed out (logged out elsewhere or revoked).'],
      ['REFRESH_REUSED', 'You were signed out (logged out elsewhere or revoked).'],
      ['TOKEN_INVALID', 'Your sign-in token was abnormal, please log in again.'],
      ['TOKEN_MISSING', 'Your sign-in token was abnormal, please log in again.'],
      ['REFRESH_INVALID', 'Your sign-in token was abnormal, please log in again.'],
    ] as const)('%s: "%s"', async (reason, text) => {
      port = new FakePort(alice);
      mounted = await mountApp(port, '/sessions');
      expect(mounted.path()).toBe('/sessions');
      port.endSession(reason);
      await settle();
      expect(mounted.path()).toBe('/login?redirect=/sessions');
      const notice = mounted.wrapper.find('[data-testid="login-notice"]');
      expect(notice.text()).toContain(text);
      expect(notice.attributes('role')).toBe('status');
      expect(sessionEndMessages[reason]).toBe(text);

      // Logging in again clears it and returns to the page.
      await submit(mounted, 'alice', 'correct horse');
      expect(mounted.path()).toBe('/sessions');
    });

    it('the three kinds of reasons read differently', () => {
      const expired = sessionEndMessages.SESSION_EXPIRED;
      const revoked = sessionEndMessages.SESSION_REVOKED;
      const abnormal = sessionEndMessages.TOKEN_INVALID;
      expect(new Set([expired, revoked, abnormal]).size).toBe(3);
    });
  });
});
