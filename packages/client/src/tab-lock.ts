/** The slice of the Web Locks API the client uses (`navigator.locks`). */
interface LockManagerLike {
  request<T>(
    name: string,
    options: { signal?: AbortSignal },
    callback: () => Promise<T>,
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
  task: () => Promise<T>,
): Promise<T> {
  const locks = lockManager();
  if (!locks) return task();
  let started = false;
  try {
    return await locks.request(name, { signal: AbortSignal.timeout(timeoutMs) }, () => {
      started = true;
      return task();
    });
  } catch (error) {
    // Only a timed-out wait falls through; an error from the task itself is the task's.
    if (started) throw error;
    return task();
  }
}
