import type { AuthStore } from '@latch/vue';

/**
 * Form drafts kept in this tab (sessionStorage), per user: a token refresh never touches them,
 * and after a session ends and the same user logs in again, the half-written text is still there.
 * An explicit logout clears them, so the next person at this browser does not see them.
 */
const PREFIX = 'latch-web:draft:';

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

export function loadDraft(name: string, userId: string): string {
  return storage()?.getItem(`${PREFIX}${name}:${userId}`) ?? '';
}

export function saveDraft(name: string, userId: string, text: string): void {
  const key = `${PREFIX}${name}:${userId}`;
  try {
    if (text) storage()?.setItem(key, text);
    else storage()?.removeItem(key);
  } catch {
    // Storage full or blocked: the draft lives on in the page only.
  }
}

export function clearDrafts(): void {
  const store = storage();
  if (!store) return;
  for (const key of Object.keys(store)) if (key.startsWith(PREFIX)) store.removeItem(key);
}

/** A logout by choice (here, or everywhere from here) forgets this tab's drafts. */
export function forgetDraftsOnLogout(auth: AuthStore): () => void {
  return auth.on((event) => {
    if (event.type === 'logged-out') clearDrafts();
  });
}
