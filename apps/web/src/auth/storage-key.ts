/** Where the web app keeps its session (localStorage): one key, shared by every tab. */
export const SESSION_STORAGE_KEY = 'latch.session';
