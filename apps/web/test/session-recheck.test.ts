import { afterEach, describe, expect, it, vi } from 'vitest';
import { alice, FakePort } from './fake-port';
import { type Mounted, mountApp, settle } from './setup';

let mounted: Mounted | undefined;
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = undefined;
  vi.useRealTimers();
});

describe('coming back to the tab', () => {
  it('asks the server, and a session revoked meanwhile shows the login page with the reason', async () => {
    const port = new FakePort(alice);
    mounted = await mountApp(port, '/');
    const checksBefore = port.calls.filter((call) => call === 'me').length;

    // Revoked from another device while this tab was in the background.
    port.failWith('SESSION_REVOKED');
    window.dispatchEvent(new Event('focus'));
    await settle();

    expect(port.calls.filter((call) => call === 'me').length).toBe(checksBefore + 1);
    expect(mounted.path()).toBe('/login?redirect=/');
    expect(mounted.wrapper.find('[data-testid="login-notice"]').text()).toContain(
      'You were signed out (logged out elsewhere or revoked).',
    );
  });

  it('checks at most once in a while, however often the window gains focus', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const port = new FakePort(alice);
    mounted = await mountApp(port, '/');
    const checks = () => port.calls.filter((call) => call === 'me').length;
    const before = checks();
    for (let i = 0; i < 5; i++) window.dispatchEvent(new Event('focus'));
    document.dispatchEvent(new Event('visibilitychange'));
    await settle();
    expect(checks()).toBe(before + 1);

    vi.advanceTimersByTime(16_000);
    window.dispatchEvent(new Event('focus'));
    await settle();
    expect(checks()).toBe(before + 2);
  });
});
