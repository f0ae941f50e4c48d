import { afterEach, describe, expect, it, vi } from 'vitest';
import { alice, FakePort, meFor } from './fake-port';
import { type Mounted, mountApp, settle } from './setup';

describe('idle warning dialog', () => {
  let mounted: Mounted | undefined;
  afterEach(() => {
    mounted?.wrapper.unmount();
    mounted = undefined;
    vi.useRealTimers();
  });

  const dialog = () => document.querySelector<HTMLElement>('[role="alertdialog"]');
  const later = async (ms: number) => {
    await vi.advanceTimersByTimeAsync(ms);
    await settle();
  };

  async function signedInHome(idleMs: number) {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    const port = new FakePort(alice);
    port.meResult = async () => meFor(alice, Date.now(), idleMs);
    mounted = await mountApp(port, '/');
    return port;
  }

  it('shows a countdown before the idle timeout; Escape stays signed in with one auth.me', async () => {
    const port = await signedInHome(8000);
    const notes = document.querySelector<HTMLTextAreaElement>('#notes');
    notes?.focus();
    await later(3500);
    expect(dialog()).toBeNull();

    await later(1000);
    const open = dialog();
    expect(open?.getAttribute('aria-modal')).toBe('true');
    expect(open?.textContent).toContain('You will be signed out in 0:04 because of inactivity.');
    expect(document.activeElement?.textContent?.trim()).toBe('Stay signed in');
    expect(document.querySelector('.shell')?.hasAttribute('inert')).toBe(true);

    await later(1000);
    expect(dialog()?.textContent).toContain('0:03');

    const meCalls = port.calls.filter((call) => call === 'me').length;
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await settle();
    expect(port.calls.filter((call) => call === 'me').length).toBe(meCalls + 1);
    expect(dialog()).toBeNull();
    expect(document.querySelector('.shell')?.hasAttribute('inert')).toBe(false);
    expect(document.activeElement).toBe(notes);
  });

  it('keeps Tab inside the dialog', async () => {
    await signedInHome(8000);
    await later(4500);
    const buttons = [...(dialog()?.querySelectorAll('button') ?? [])];
    expect(buttons.map((b) => b.textContent?.trim())).toEqual(['Log out now', 'Stay signed in']);
    const last = buttons[1];
    last?.focus();
    const tab = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
    document.dispatchEvent(tab);
    expect(tab.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(buttons[0]);
    const back = new KeyboardEvent('keydown', {
      key: 'Tab',
      shiftKey: true,
      bubbles: true,
      cancelable: true,
    });
    document.dispatchEvent(back);
    expect(document.activeElement).toBe(last);
  });

  it('the Stay signed in button slides the session', async () => {
    const port = await signedInHome(8000);
    await later(5000);
    const stay = [...(dialog()?.querySelectorAll('button') ?? [])].find(
      (b) => b.textContent?.trim() === 'Stay signed in',
    );
    stay?.click();
    await settle();
    expect(dialog()).toBeNull();
    expect(port.calls.filter((call) => call === 'me')).toHaveLength(2);
    await later(3500);
    expect(dialog()).toBeNull();
  });

  it('when the countdown runs out, asks the server, which ends the session: login page with the reason', async () => {
    const port = await signedInHome(8000);
    await later(7900);
    expect(dialog()).not.toBeNull();
    port.failWith('SESSION_EXPIRED');
    const before = port.calls.length;
    // Not at the deadline itself: asking early would slide the session instead.
    await later(500);
    expect(port.calls.length).toBe(before);
    await later(1000);
    expect(port.calls.slice(before)).toEqual(['me']);
    expect(mounted?.path()).toBe('/login?redirect=/');
    expect(mounted?.wrapper.find('[data-testid="login-notice"]').text()).toContain(
      'Your session expired, please log in again.',
    );
    expect(dialog()).toBeNull();
    expect(document.querySelector('.shell')?.hasAttribute('inert')).toBe(false);
  });

  it('when the server still knows the session (activity elsewhere), carries on with its deadline', async () => {
    const port = await signedInHome(8000);
    await later(9100);
    expect(port.calls.filter((call) => call === 'me')).toHaveLength(2);
    expect(mounted?.path()).toBe('/');
    expect(dialog()).toBeNull();
  });

  it('activity seen by the client moves the deadline without asking the server', async () => {
    const port = await signedInHome(8000);
    await later(3000);
    port.emit({ type: 'activity', sentAt: Date.now() });
    await later(3000);
    expect(dialog()).toBeNull();
    await later(1500);
    expect(dialog()).not.toBeNull();
  });
});
