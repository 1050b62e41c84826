// Runs user code with an optional deadline. On timeout the signal is aborted (so cooperative code
// and spawned programs stop) and the promise rejects with ComputeTimeoutError at once.

export class ComputeTimeoutError extends Error {
  override readonly name = 'ComputeTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`compute timed out after ${timeoutMs} ms`);
  }
}

export async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number | null): Promise<T> {
  const controller = new AbortController();
  if (timeoutMs === null) return work(controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new ComputeTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
