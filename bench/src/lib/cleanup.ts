/**
 * Everything a benchmark starts (Redis servers, server processes, clients) registers its stop
 * here, so a crash or Ctrl-C still stops it: nothing outlives `pnpm bench`.
 */
const stops = new Map<number, { what: string; stop: () => Promise<void> }>();
let nextId = 0;

/** Registers a stop; the returned function runs it (once) and unregisters it. */
export function track(what: string, stop: () => Promise<void>): () => Promise<void> {
  const id = nextId++;
  stops.set(id, { what, stop });
  return async () => {
    if (!stops.delete(id)) return;
    await stop();
  };
}

/** Stops everything still registered, newest first, each bounded in time. */
export async function stopAll(timeoutMs = 15_000): Promise<void> {
  const entries = [...stops.entries()].reverse();
  stops.clear();
  for (const [, { what, stop }] of entries) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        console.error(`bench: stopping ${what} took over ${timeoutMs} ms; moving on`);
        resolve();
      }, timeoutMs);
    });
    await Promise.race([stop().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }
}
