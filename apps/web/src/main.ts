import { createLatchAuth, provideAuth } from '@latch/vue';
import { createApp } from 'vue';
import App from './App.vue';
import { forgetDraftsOnLogout } from './lib/drafts';
import { createAppRouter } from './router';
import './styles.css';

// The API is on this origin (`pnpm start`, or Vite's proxy in `pnpm dev`). The cookie transport
// (the browser default): the refresh token is an httpOnly cookie, the access token stays in
// memory, and a reload or a new tab takes the session up again through the cookie.
const auth = createLatchAuth({ url: '/trpc' });
forgetDraftsOnLogout(auth);
const router = createAppRouter(auth);
const app = createApp(App);
provideAuth(app, auth);
app.use(router);

// The first navigation (and with it the session check) settles before anything renders, so a
// reload never flashes the login page at a signed-in user.
router.isReady().then(() => app.mount('#app'));
