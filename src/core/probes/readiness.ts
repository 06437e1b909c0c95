import type { ReadySpec } from '../../config/spec.js';
import { errorMessage } from '../../errors.js';
import type { Clock } from '../clock.js';
import type { Probe, ProbeResult } from './probe.js';

export interface ReadinessCheck {
  probe: Probe;
  spec: ReadySpec;
}

export type ReadinessOutcome =
  | { ok: true }
  | { ok: false; probe: string; message: string; timedOut: boolean; timeout: number };

/**
 * Runs every readiness check until each has passed once, in parallel. Polled probes are tried every
 * `interval`; event-driven ones (log) are re-checked as soon as they signal a change. A check that has
 * not passed within its `timeout` (counted from the start of the process) fails the whole readiness
 * with the probe's last error.
 */
export async function waitUntilReady(
  checks: readonly ReadinessCheck[],
  clock: Clock,
  signal: AbortSignal,
): Promise<ReadinessOutcome> {
  // The first failure fails readiness at once; the other checks are then cancelled.
  const cancelOthers = new AbortController();
  const onAbort = (): void => cancelOthers.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) cancelOthers.abort();
  try {
    return await new Promise<ReadinessOutcome>((resolve) => {
      let passed = 0;
      if (checks.length === 0) resolve({ ok: true });
      for (const check of checks) {
        void runOne(check, clock, cancelOthers.signal).then((outcome) => {
          if (!outcome.ok) {
            resolve(outcome);
            return;
          }
          passed += 1;
          if (passed === checks.length) resolve({ ok: true });
        });
      }
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    cancelOthers.abort();
  }
}

function runOne(check: ReadinessCheck, clock: Clock, signal: AbortSignal): Promise<ReadinessOutcome> {
  const { probe, spec } = check;
  return new Promise((resolve) => {
    let last: ProbeResult = { ok: false, message: 'not checked yet' };
    let settled = false;
    let attemptRunning = false;
    let wakeTimer: ReturnType<Clock['setTimeout']> | null = null;
    let attempt: AbortController | null = null;

    const finish = (outcome: ReadinessOutcome): void => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(deadline);
      if (wakeTimer !== null) clock.clearTimeout(wakeTimer);
      attempt?.abort();
      unsubscribe?.();
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void =>
      finish({
        ok: false,
        probe: probe.description,
        message: 'cancelled',
        timedOut: false,
        timeout: spec.timeout,
      });

    const tryOnce = async (): Promise<void> => {
      if (settled || attemptRunning) return;
      attemptRunning = true;
      if (wakeTimer !== null) clock.clearTimeout(wakeTimer);
      wakeTimer = null;
      attempt = new AbortController();
      const current = attempt;
      // One attempt may take at most one interval (and at least a second) so a hung connection
      // cannot stall polling until the overall deadline.
      const attemptTimer = clock.setTimeout(() => current.abort(), Math.max(spec.interval, 1000));
      try {
        last = await probe.check(current.signal);
      } catch (error) {
        // Probes report failures as results; a throw is a bug in a probe, still not a reason to hang.
        last = { ok: false, message: errorMessage(error) };
      } finally {
        clock.clearTimeout(attemptTimer);
        attemptRunning = false;
      }
      if (last.ok) {
        finish({ ok: true });
      } else if (!settled) {
        wakeTimer = clock.setTimeout(() => void tryOnce(), spec.interval);
      }
    };

    const deadline = clock.setTimeout(
      () =>
        finish({
          ok: false,
          probe: probe.description,
          message: last.message,
          timedOut: true,
          timeout: spec.timeout,
        }),
      spec.timeout,
    );
    const unsubscribe = probe.subscribe?.(() => void tryOnce());
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    wakeTimer = clock.setTimeout(() => void tryOnce(), spec.initialDelay);
  });
}
