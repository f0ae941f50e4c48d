import { type AuthStore, installAuthGuard } from '@latch/vue';
import {
  createRouter,
  createWebHistory,
  type RouteRecordRaw,
  type RouterHistory,
} from 'vue-router';
import ChangePasswordPage from './pages/ChangePasswordPage.vue';
import HomePage from './pages/HomePage.vue';
import LoginPage from './pages/LoginPage.vue';
import NotFoundPage from './pages/NotFoundPage.vue';
import RegisterPage from './pages/RegisterPage.vue';
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
    path: '/register',
    name: 'register',
    component: RegisterPage,
    meta: { guestOnly: true, title: 'Create an account' },
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
    path: '/account/password',
    name: 'change-password',
    component: ChangePasswordPage,
    meta: { requiresAuth: true, title: 'Change password' },
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
