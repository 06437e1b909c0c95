/** Time, injected so that policies and timeouts are unit-tested without real waiting. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
  /**
   * Arms `timer` again for its delay from now (it may have fired already): a repeating owner keeps
   * one timer rather than making one a tick. Clocks without it get a new `setTimeout` instead.
   */
  refresh?(timer: ClockTimer): void;
}

export interface ClockTimer {
  readonly id: unknown;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    // Not unref'd: a pending restart or recovery wait must keep the supervisor alive even when no
    // child or socket does. Every owner clears its timers when it stops.
    return { id: setTimeout(callback, ms) };
  },
  clearTimeout(timer) {
    clearTimeout(timer.id as NodeJS.Timeout);
  },
  refresh(timer) {
    (timer.id as NodeJS.Timeout).refresh();
  },
};

/** Resolves after `ms` on the given clock; rejects early when `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits for `promise`, but at most `ms`: true when it settled in time. The timer is cleared either
 * way — a timer left behind by a race keeps Node alive for its whole duration (after a library
 * user's `shutdown()`, for as long as the stop timeout).
 */
export async function waitAtMost(clock: Clock, promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ClockTimer | null = null;
  const timeout = new Promise<false>((resolve) => {
    timer = clock.setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    if (timer !== null) clock.clearTimeout(timer);
  }
}
