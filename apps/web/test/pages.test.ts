import type { SessionRow } from '@latch/vue';
import { afterEach, describe, expect, it } from 'vitest';
import { alice, apiError, FakePort } from './fake-port';
import { type Mounted, mountApp, settle } from './setup';

let mounted: Mounted | undefined;
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = undefined;
  sessionStorage.clear();
});

const buttonNamed = (app: Mounted, name: string) =>
  app.wrapper.findAll('button').filter((b) => b.text() === name);

/** Answers the open confirmation dialog with its button of that name. */
async function answerConfirmation(app: Mounted, name: string) {
  const dialog = app.wrapper.find('dialog');
  expect((dialog.element as HTMLDialogElement).open).toBe(true);
  const choice = dialog.findAll('button').find((b) => b.text() === name);
  if (!choice) throw new Error(`no "${name}" in the dialog`);
  await choice.trigger('click');
  await settle();
}

describe('home page', () => {
  it('shows who is signed in, the idle deadline, Log out and a link to /sessions', async () => {
    mounted = await mountApp(new FakePort(alice), '/');
    expect(mounted.wrapper.find('h1').text()).toBe('Signed in as alice');
    expect(mounted.wrapper.find('[data-testid="idle-deadline"] time').exists()).toBe(true);
    expect(buttonNamed(mounted, 'Log out')).toHaveLength(1);
    const links = mounted.wrapper.findAll('a').filter((a) => a.attributes('href') === '/sessions');
    expect(links.map((a) => a.text())).toContain('Manage sessions');
  });

  it('logs out to the login page, which says so', async () => {
    const port = new FakePort(alice);
    mounted = await mountApp(port, '/');
    await buttonNamed(mounted, 'Log out')[0]?.trigger('click');
    await settle();
    expect(port.calls).toContain('logout');
    expect(mounted.path()).toBe('/login');
    expect(mounted.wrapper.find('[data-testid="login-notice"]').text()).toContain(
      'You have logged out.',
    );
  });

  it('keeps the notes through navigation and a session renewal', async () => {
    const port = new FakePort(alice);
    mounted = await mountApp(port, '/');
    await mounted.wrapper.find('#notes').setValue('half a thought');
    port.emit({ type: 'activity', sentAt: Date.now() });
    await mounted.router.push('/sessions');
    await settle();
    await mounted.router.push('/');
    await settle();
    expect((mounted.wrapper.find('#notes').element as HTMLTextAreaElement).value).toBe(
      'half a thought',
    );
  });
});

describe('sessions page', () => {
  const now = Date.now();
  const rows: SessionRow[] = [
    {
      id: 'other',
      createdAt: now - 86_400_000,
      lastActiveAt: now - 120_000,
      userAgent: 'Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0',
      ip: '203.0.113.9',
      current: false,
    },
    {
      id: 'mine',
      createdAt: now - 3_600_000,
      lastActiveAt: now,
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
      ip: '198.51.100.4',
      current: true,
    },
  ];

  it('lists sessions with device, ip, created and last active; marks this device', async () => {
    const port = new FakePort(alice);
    port.sessionsResult = async () => rows;
    mounted = await mountApp(port, '/sessions');
    const items = mounted.wrapper.findAll('[data-testid="session-list"] li');
    expect(items).toHaveLength(2);
    expect(items[0]?.text()).toContain('Chrome on Linux');
    expect(items[0]?.text()).toContain('This device');
    expect(items[0]?.text()).toContain('198.51.100.4');
    expect(items[0]?.findAll('button')).toHaveLength(0);
    expect(items[1]?.text()).toContain('Firefox on Android');
    expect(items[1]?.text()).toContain('203.0.113.9');
    expect(items[1]?.text()).toContain('2 min ago');
    expect(items[1]?.text()).toMatch(/Created/);
    // Its accessible name says which device (and starts with its visible label).
    expect(items[1]?.find('button').text()).toBe('Revoke');
    expect(items[1]?.find('button').attributes('aria-label')).toBe('Revoke Firefox on Android');
  });

  it('asks before revoking another session, then revokes it and reloads the list', async () => {
    const port = new FakePort(alice);
    let list = rows;
    port.sessionsResult = async () => list;
    mounted = await mountApp(port, '/sessions');
    list = rows.filter((row) => row.current);
    const revoke = mounted.wrapper.find('[data-testid="session-list"] li:nth-child(2) button');
    await revoke.trigger('click');
    await settle();
    expect(mounted.wrapper.find('dialog h2').text()).toBe('Revoke Firefox on Android?');
    await answerConfirmation(mounted, 'Cancel');
    expect(port.calls).not.toContain('revoke:other');

    await revoke.trigger('click');
    await settle();
    await answerConfirmation(mounted, 'Revoke session');
    expect(port.calls).toContain('revoke:other');
    expect(mounted.wrapper.findAll('[data-testid="session-list"] li')).toHaveLength(1);
    expect(mounted.wrapper.find('[role="status"]').text()).toContain(
      'Signed out Firefox on Android.',
    );
  });

  it('says when the session to revoke had already ended', async () => {
    const port = new FakePort(alice);
    port.sessionsResult = async () => rows;
    port.revokeSession = async () => {
      throw apiError('NOT_FOUND');
    };
    mounted = await mountApp(port, '/sessions');
    await mounted.wrapper
      .find('[data-testid="session-list"] li:nth-child(2) button')
      .trigger('click');
    await settle();
    await answerConfirmation(mounted, 'Revoke session');
    expect(mounted.wrapper.find('[role="status"]').text()).toContain(
      'That session had already ended.',
    );
  });

  it('Log out everywhere asks first, then ends every session and says how many', async () => {
    const port = new FakePort(alice);
    port.sessionsResult = async () => rows;
    mounted = await mountApp(port, '/sessions');
    await buttonNamed(mounted, 'Log out everywhere')[0]?.trigger('click');
    await settle();
    await answerConfirmation(mounted, 'Cancel');
    expect(port.calls).not.toContain('logoutAll');
    expect(mounted.path()).toBe('/sessions');

    await buttonNamed(mounted, 'Log out everywhere')[0]?.trigger('click');
    await settle();
    await answerConfirmation(mounted, 'Log out everywhere');
    expect(port.calls).toContain('logoutAll');
    expect(mounted.path()).toBe('/login');
    expect(mounted.wrapper.find('[data-testid="login-notice"]').text()).toContain(
      'You logged out everywhere (3 sessions ended).',
    );
  });
});
