import { type AuthStore, installAuthGuard } from '@latch/vue';
import {
  createRouter,
  createWebHistory,
  type RouteRecordRaw,
  type RouterHistory,
} from 'vue-router';
import HomePage from './pages/HomePage.vue';
import LoginPage from './pages/LoginPage.vue';
import NotFoundPage from './pages/NotFoundPage.vue';
import SessionsPage from './pages/SessionsPage.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** The page's name in the document title. */
    title?: string;
  }
}

/** `requiresAuth` / `guestOnly` are @latch/vue's guard flags. */
export const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: LoginPage,
    meta: { guestOnly: true, title: 'Log in' },
  },
  {
    path: '/',
    name: 'home',
    component: HomePage,
    meta: { requiresAuth: true, title: 'Home' },
  },
  {
    path: '/sessions',
    name: 'sessions',
    component: SessionsPage,
    meta: { requiresAuth: true, title: 'Sessions' },
  },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: NotFoundPage,
    meta: { title: 'Page not found' },
  },
];

export function createAppRouter(auth: AuthStore, history: RouterHistory = createWebHistory()) {
  const router = createRouter({ history, routes });
  installAuthGuard(router, auth);
  router.afterEach((to) => {
    if (typeof document !== 'undefined') {
      document.title = to.meta.title ? `${to.meta.title} · Latch` : 'Latch';
    }
  });
  return router;
}
