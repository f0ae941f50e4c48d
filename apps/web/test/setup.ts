import { type AuthStore, authPlugin, createAuthStore } from '@latch/vue';
import { type DOMWrapper, mount, type VueWrapper } from '@vue/test-utils';
import { createMemoryHistory, type Router } from 'vue-router';
import App from '../src/App.vue';
import { forgetDraftsOnLogout } from '../src/lib/drafts';
import { createAppRouter } from '../src/router';
import type { FakePort } from './fake-port';

export interface Mounted {
  wrapper: VueWrapper;
  router: Router;
  auth: AuthStore;
  /** The current route's full path. */
  path(): string;
}

/** The whole app on a fake client and an in-memory history, wired as main.ts wires it. */
export async function mountApp(port: FakePort, path: string): Promise<Mounted> {
  const auth = createAuthStore(port, { idleChannel: null });
  forgetDraftsOnLogout(auth);
  const router = createAppRouter(auth, createMemoryHistory());
  await router.push(path);
  await router.isReady();
  const wrapper = mount(App, {
    attachTo: document.body,
    global: { plugins: [router, authPlugin(auth)] },
  });
  await settle();
  return { wrapper, router, auth, path: () => router.currentRoute.value.fullPath };
}

/** Lets promises, navigations and Vue's render queue settle (real macrotasks; timers may be fake). */
export async function settle(rounds = 6): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** The input a `<label>` with exactly this text is for. */
export function field(app: Mounted, label: string): DOMWrapper<HTMLInputElement> {
  const labelElement = app.wrapper.findAll('label').find((l) => l.text() === label);
  if (!labelElement) throw new Error(`no label "${label}"`);
  return app.wrapper.find<HTMLInputElement>(`#${labelElement.attributes('for')}`);
}

export function button(app: Mounted, name: string) {
  const found = app.wrapper.findAll('button').find((b) => b.text() === name);
  if (!found) throw new Error(`no button "${name}"`);
  return found;
}

export const formError = (app: Mounted) => app.wrapper.find('[data-testid="form-error"]');
