import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { alice, apiError, FakePort } from './fake-port';
import { button, field, formError, type Mounted, mountApp, settle } from './setup';

let mounted: Mounted | undefined;
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = undefined;
  vi.useRealTimers();
});

async function fill(app: Mounted, current: string, next: string, confirm = next) {
  await field(app, 'Current password').setValue(current);
  await field(app, 'New password').setValue(next);
  await field(app, 'Confirm new password').setValue(confirm);
  await app.wrapper.find('form').trigger('submit');
  await settle();
}

describe('change password page', () => {
  let port: FakePort;
  beforeEach(() => {
    port = new FakePort(alice);
  });

  it('is protected, titled, linked from home and nav, with the rules shown up front', async () => {
    mounted = await mountApp(port, '/');
    const links = mounted.wrapper
      .findAll('a')
      .filter((a) => a.attributes('href') === '/account/password');
    expect(links.map((a) => a.text())).toEqual(['Password', 'Change password']);
    await mounted.router.push('/account/password');
    await settle();
    expect(document.title).toBe('Change password · Latch');
    expect(mounted.wrapper.find('h1').text()).toBe('Change password');
    expect(mounted.wrapper.find('[data-testid="password-rules"]').text()).toContain(
      'Not a commonly used password',
    );
    expect(field(mounted, 'New password').attributes('aria-describedby')).toBe(
      'new-password-rules new-password-strength',
    );

    port.user = null;
    const signedOut = await mountApp(new FakePort(null), '/account/password');
    expect(signedOut.path()).toBe('/login?redirect=/account/password');
    signedOut.wrapper.unmount();
  });

  it('changes the password and says the other sessions were signed out', async () => {
    mounted = await mountApp(port, '/account/password');
    await fill(mounted, 'old password here', 'violet rocket under tuesday');
    expect(port.calls).toContain('changePassword:old password here->violet rocket under tuesday');
    expect(mounted.wrapper.find('[data-testid="password-changed"]').text()).toContain(
      'Every other session of yours was signed out.',
    );
    expect(field(mounted, 'New password').element.value).toBe('');
    expect(mounted.path()).toBe('/account/password');
  });

  it('checks what it can before asking the server', async () => {
    mounted = await mountApp(port, '/account/password');
    await fill(mounted, '', 'short', 'different');
    expect(mounted.wrapper.find('#current-password-error').text()).toBe(
      'Enter your current password.',
    );
    expect(mounted.wrapper.find('#new-password-error').text()).toBe('Use at least 8 characters.');
    expect(mounted.wrapper.find('#confirm-password-error').text()).toBe(
      'The two new passwords differ.',
    );
    expect(document.activeElement?.id).toBe('current-password');

    await fill(mounted, 'same old password', 'same old password');
    expect(mounted.wrapper.find('#new-password-error').text()).toBe(
      'Choose a password other than your current one.',
    );
    expect(port.calls.filter((call) => call.startsWith('changePassword'))).toEqual([]);
  });

  it('says a wrong current password by its field, and a refused new one by its own', async () => {
    port.changePasswordResult = async () => {
      throw apiError('UNAUTHORIZED', { authCode: 'INVALID_CREDENTIALS' });
    };
    mounted = await mountApp(port, '/account/password');
    await fill(mounted, 'not my password', 'violet rocket under tuesday');
    expect(mounted.wrapper.find('#current-password-error').text()).toBe(
      'Your current password is not right.',
    );
    expect(field(mounted, 'Current password').element.value).toBe('');
    expect(document.activeElement?.id).toBe('current-password');
    // Still signed in: a wrong password is not a session ending.
    expect(mounted.path()).toBe('/account/password');

    port.changePasswordResult = async () => {
      throw apiError('BAD_REQUEST', {
        fieldErrors: { newPassword: ['This password is too common: choose another.'] },
      });
    };
    await fill(mounted, 'my password', 'password1234');
    expect(mounted.wrapper.find('#new-password-error').text()).toBe(
      'This password is too common: choose another.',
    );
  });

  it('waits out a rate limit with the button disabled', async () => {
    port.changePasswordResult = async () => {
      throw apiError('TOO_MANY_REQUESTS', { authCode: 'RATE_LIMITED', retryAfterMs: 90_000 });
    };
    mounted = await mountApp(port, '/account/password');
    await fill(mounted, 'my password', 'violet rocket under tuesday');
    expect(formError(mounted).text()).toMatch(/Too many attempts\. Try again in \d+ s\./);
    expect(button(mounted, 'Change password').attributes('disabled')).toBeDefined();
  });

  it('gives a strength hint as the new password is typed', async () => {
    mounted = await mountApp(port, '/account/password');
    const strength = () => mounted?.wrapper.find('[data-testid="password-strength"]').text();
    await field(mounted, 'New password').setValue('alice1234567');
    await vi.waitFor(() => expect(strength()).toMatch(/^Strength: (Very weak|Weak)/));
    await field(mounted, 'New password').setValue('violet rocket under tuesday');
    await vi.waitFor(() => expect(strength()).toMatch(/^Strength: Very strong/));
  });
});
