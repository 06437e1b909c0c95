/* pm2's restart and stop rules (lib/God.js `handleExit`, lib/Worker.js, constants.js), as RestartSpec. */
import type { RestartSpec } from '../spec.js';
import type { App } from './pm2-schema.js';

/** pm2's defaults (lib/God.js handleExit, constants.js). */
export const PM2 = {
  minUptime: 1000,
  maxRestarts: 16,
  /** `KILL_TIMEOUT`: SIGINT, then SIGKILL after this. */
  killTimeout: 1600,
  killSignal: 'SIGINT' as NodeJS.Signals,
  /** `exp_backoff_restart_delay` grows ×1.5 up to this. */
  backoffCap: 15_000,
  /** `EXP_BACKOFF_RESET_TIMER`: the delay starts over once the app has been up this long. */
  backoffReset: 30_000,
};

/**
 * - `autorestart: false`: no restart; `stop_exit_codes`: those exits are not restarted, any other is
 *   (pm2 restarts exit 0 too).
 * - "unstable restarts": a run shorter than `min_uptime`, ending within `min_uptime × max_restarts` of the
 *   app's first start, counts; the `max_restarts`-th makes the app errored. Longer runs neither count
 *   nor give the count back — the crash-loop breaker with `shorter_than` and `window_from: first_start`.
 * - `restart_delay` is constant (0 by default); `exp_backoff_restart_delay` (which wins over it) starts at
 *   its value and grows ×1.5 up to 15 s, back to the start after a run of 30 s.
 */
export function pm2Restart(app: App): Partial<RestartSpec> {
  const stopCodes = app.stop_exit_codes;
  const policy = app.autorestart === false ? 'no' : stopCodes === undefined ? 'always' : 'on-failure';
  const minUptime = app.min_uptime ?? PM2.minUptime;
  const maxRestarts = app.max_restarts ?? PM2.maxRestarts;
  const backoff = app.exp_backoff_restart_delay;
  const delay = backoff ?? app.restart_delay ?? 0;
  return {
    policy,
    ...(stopCodes === undefined ? {} : { exitCodes: stopCodes }),
    // max_restarts 0: the first exit leaves the app errored (pm2: unstable_restarts 0 >= 0).
    maxRetries: maxRestarts === 0 ? 0 : null,
    crashLoop:
      maxRestarts === 0 || minUptime === 0
        ? null
        : {
            maxCrashes: maxRestarts,
            window: minUptime * maxRestarts,
            shorterThan: minUptime,
            windowFrom: 'first-start',
          },
    delay,
    backoff: backoff === undefined ? 1 : 1.5,
    maxDelay: backoff === undefined ? Math.max(delay, 1) : PM2.backoffCap,
    // ovrseer's min_uptime resets the backoff; pm2's exponential delay starts over after 30 s up.
    minUptime: backoff === undefined ? minUptime : PM2.backoffReset,
    ...(backoff === undefined ? {} : { resetAfter: PM2.backoffReset }),
  };
}

/** pm2 stops with SIGINT, then SIGKILL after `kill_timeout` (1.6 s by default). */
export function pm2Stop(app: App): { signal: NodeJS.Signals; timeout: number } {
  return { signal: PM2.killSignal, timeout: app.kill_timeout ?? PM2.killTimeout };
}
