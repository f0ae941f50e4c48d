/** The slice of the Web Locks API the client uses (`navigator.locks`). */
interface LockManagerLike {
  request<T>(
    name: string,
    options: { signal?: AbortSignal; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

function lockManager(): LockManagerLike | undefined {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return typeof locks?.request === 'function' ? locks : undefined;
}

/**
 * Runs `task` holding the origin-wide Web Lock `name`, so one tab at a time refreshes. Without Web
 * Locks (Node, old browsers) it just runs. Waiting is bounded by `timeoutMs`: a tab stuck inside
 * the lock (a closed tab releases it by itself) delays the others, it never deadlocks them; after
 * the wait they go ahead without the lock and the server's reuse grace keeps that safe.
 */
export async function withTabLock<T>(
  name: string,
  timeoutMs: number,
  task: (contended: boolean) => Promise<T>,
): Promise<T> {
  const locks = lockManager();
  if (!locks) return task(false);
  const NOT_AVAILABLE = Symbol('not available');
  // First without waiting: if another tab holds the lock, the task learns it had to wait (that
  // tab is most likely refreshing, and its result is on the way).
  const immediate = await locks.request(name, { ifAvailable: true }, async (lock) =>
    lock === null ? NOT_AVAILABLE : task(false),
  );
  if (immediate !== NOT_AVAILABLE) return immediate as T;
  let started = false;
  try {
    return await locks.request(name, { signal: AbortSignal.timeout(timeoutMs) }, () => {
      started = true;
      return task(true);
    });
  } catch (error) {
    // Only a timed-out wait falls through; an error from the task itself is the task's.
    if (started) throw error;
    return task(true);
  }
}
