import { createApp } from 'vue';
import App from './App.vue';
import { createLatchPort } from './auth/latch';
import { createAuthStore, provideAuth } from './auth/store';
import { createAppRouter } from './router';
import './styles.css';

const auth = createAuthStore(createLatchPort());
const router = createAppRouter(auth);
const app = createApp(App);
provideAuth(app, auth);
app.use(router);

// The first navigation (and with it the session check) settles before anything renders, so a
// reload never flashes the login page at a signed-in user.
router.isReady().then(() => app.mount('#app'));
