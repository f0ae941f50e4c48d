import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionEndMessages } from '../src/lib/messages';
import { alice, apiError, FakePort } from './fake-port';
import { button, field, formError, type Mounted, mountApp, settle } from './setup';

let mounted: Mounted | undefined;
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = undefined;
  vi.useRealTimers();
  sessionStorage.clear();
});

async function submit(app: Mounted, username: string, password: string) {
  await field(app, 'Username').setValue(username);
  await field(app, 'Password').setValue(password);
  await app.wrapper.find('form').trigger('submit');
  await settle();
}

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

  it('holds back only the username the wait is for, and reads a long wait in minutes', async () => {
    port.loginResult = async (credentials) => {
      if (credentials.username === 'alice')
        throw apiError('TOO_MANY_REQUESTS', { authCode: 'RATE_LIMITED', retryAfterMs: 892_000 });
      port.user = { id: 'u2', username: credentials.username };
      return { user: port.user };
    };
    mounted = await mountApp(port, '/login');
    await submit(mounted, 'alice', 'whatever it is');
    expect(formError(mounted).text()).toBe('× Too many attempts. Try again in 15 minutes.');
    expect(button(mounted, 'Log in').attributes('disabled')).toBeDefined();

    // Another name may try at once; the same name in other case may not.
    await field(mounted, 'Username').setValue('ALICE');
    expect(button(mounted, 'Log in').attributes('disabled')).toBeDefined();
    await field(mounted, 'Username').setValue('bob');
    await settle();
    expect(formError(mounted).exists()).toBe(false);
    expect(button(mounted, 'Log in').attributes('disabled')).toBeUndefined();
    await submit(mounted, 'bob', 'correct horse');
    expect(port.calls).toContain('login:bob');
    expect(mounted.path()).toBe('/');
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

  describe('registration at /register', () => {
    function link(app: Mounted, name: string) {
      const found = app.wrapper.findAll('a').find((a) => a.text() === name);
      if (!found) throw new Error(`no link "${name}"`);
      return found;
    }

    it('is a page of its own, reached from /login with the redirect kept; rules shown before any error', async () => {
      mounted = await mountApp(port, '/login?redirect=/sessions');
      await link(mounted, 'Create an account').trigger('click');
      await settle();
      expect(mounted.path()).toBe('/register?redirect=/sessions');
      expect(document.title).toBe('Create an account · Latch');
      expect(mounted.wrapper.find('h1').text()).toBe('Create an account');
      expect(field(mounted, 'Password').attributes('autocomplete')).toBe('new-password');
      // The rules are on the page, and read with their fields, before anything was typed.
      expect(mounted.wrapper.find('[data-testid="username-rules"]').text()).toContain(
        '3 to 64 letters, digits',
      );
      expect(mounted.wrapper.find('[data-testid="password-rules"]').text()).toContain(
        'At least 12 and at most 128 characters',
      );
      expect(field(mounted, 'Username').attributes('aria-describedby')).toBe('username-rules');
      expect(field(mounted, 'Password').attributes('aria-describedby')).toBe(
        'password-rules password-strength',
      );
    });

    it('checks the fields with the shared schema, and signs up', async () => {
      mounted = await mountApp(port, '/register?redirect=/sessions');
      await field(mounted, 'Username').setValue('bad name!');
      await field(mounted, 'Password').setValue('short');
      await mounted.wrapper.find('form').trigger('submit');
      await settle();
      expect(mounted.wrapper.find('#username-error').text()).toMatch(/^Use only letters, digits/);
      expect(mounted.wrapper.find('#password-error').text()).toBe('Use at least 8 characters.');
      expect(field(mounted, 'Password').attributes('aria-describedby')).toBe(
        'password-error password-rules password-strength',
      );
      expect(port.calls).toEqual([]);

      await submit(mounted, 'newcomer', 'long enough password');
      expect(port.calls[0]).toBe('register:newcomer');
      expect(mounted.path()).toBe('/sessions');
    });

    it("shows the server's password rule by the field (too common)", async () => {
      port.loginResult = async () => {
        throw apiError('BAD_REQUEST', {
          fieldErrors: { password: ['This password is too common: choose another.'] },
        });
      };
      mounted = await mountApp(port, '/register');
      await submit(mounted, 'newcomer', 'password1234');
      expect(mounted.wrapper.find('#password-error').text()).toBe(
        'This password is too common: choose another.',
      );
    });

    it('says registration is closed when auth.register answers NOT_FOUND; /login stops offering it', async () => {
      port.loginResult = async () => {
        throw apiError('NOT_FOUND');
      };
      mounted = await mountApp(port, '/register');
      await submit(mounted, 'newcomer', 'long enough password');
      expect(formError(mounted).text()).toContain('Registration is closed on this server.');
      expect(mounted.wrapper.find('form').exists()).toBe(false);

      await link(mounted, 'Log in instead').trigger('click');
      await settle();
      expect(mounted.path()).toBe('/login');
      expect(mounted.wrapper.findAll('a').some((a) => a.text() === 'Create an account')).toBe(
        false,
      );
      expect(mounted.wrapper.text()).toContain('Registration is closed on this server.');
    });

    it('says a taken username by the username field', async () => {
      port.loginResult = async () => {
        throw apiError('CONFLICT');
      };
      mounted = await mountApp(port, '/register');
      await submit(mounted, 'alice', 'long enough password');
      expect(mounted.wrapper.find('#username-error').text()).toBe(
        'That username is taken. Choose another one.',
      );
    });

    it('gives a strength hint as the password is typed', async () => {
      mounted = await mountApp(port, '/register');
      const strength = () => mounted?.wrapper.find('[data-testid="password-strength"]').text();
      expect(strength()).toBe('');
      await field(mounted, 'Username').setValue('newcomer');
      await field(mounted, 'Password').setValue('password1234');
      await vi.waitFor(() => expect(strength()).toMatch(/^Strength: (Very weak|Weak)/));
      expect(strength()).toContain('commonly used password');
      await field(mounted, 'Password').setValue('violet rocket under tuesday');
      await vi.waitFor(() => expect(strength()).toMatch(/^Strength: Very strong/));
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
