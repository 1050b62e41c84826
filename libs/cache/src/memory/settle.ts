/**
 * Runs synchronous work as a promise: a throw becomes a rejection, as it is for the Redis
 * adapters, so callers handle errors the same way whichever adapter they hold.
 */
export function settle<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
