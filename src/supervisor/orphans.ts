import { isPidAlive, signalPid } from '../core/kill.js';
import { errorMessage } from '../errors.js';
import { Subreaper } from '../os/subreaper.js';
import type { SupervisorLog } from './supervisor-log.js';

/** Between looks while orphans are given their SIGTERM's grace. */
const POLL_MS = 50;
/** How often orphans that ended during the run are reaped (zombies hold a pid each). */
const REAP_INTERVAL_MS = 5000;

/**
 * The supervisor as its processes' subreaper (Linux): orphans that left with neither our group nor our
 * marker (`env -i setsid …`) are reparented here and ended at shutdown; those that end during the run
 * are reaped, so none stays a zombie.
 */
export class OrphanKeeper {
  readonly #subreaper: Subreaper;
  readonly #timer: NodeJS.Timeout;

  private constructor(subreaper: Subreaper, log: SupervisorLog) {
    this.#subreaper = subreaper;
    this.#timer = setInterval(() => {
      try {
        // One read of a file kept open while nothing was reparented here (see `reapChanged`).
        subreaper.reapChanged();
      } catch (error) {
        log.note(`reaping orphans failed: ${errorMessage(error)}`, 'warn');
      }
    }, REAP_INTERVAL_MS);
    this.#timer.unref();
  }

  /**
   * @param subreaper `Subreaper.enable()`'s answer, asked before anything was spawned
   * @returns null where the platform does not allow it: the reason is logged once
   */
  static start(subreaper: ReturnType<typeof Subreaper.enable>, log: SupervisorLog): OrphanKeeper | null {
    if (!(subreaper instanceof Subreaper)) {
      log.note(
        `not a child subreaper (${subreaper.unavailable}): an escapee that clears its environment and leaves its session survives down`,
        'info',
      );
      return null;
    }
    return new OrphanKeeper(subreaper, log);
  }

  /**
   * After the processes have stopped: SIGTERM to every orphan, SIGKILL to those alive after
   * `graceMs`, each reaped. Rounds repeat while ending one reparents its own children here.
   * @returns the pids ended
   */
  async endAll(graceMs: number): Promise<number[]> {
    clearInterval(this.#timer);
    this.#subreaper.close();
    const ended: number[] = [];
    for (let round = 0; round < 10; round += 1) {
      this.#subreaper.reap();
      const orphans = this.#subreaper.orphans();
      if (orphans.length === 0) break;
      // SIGCONT after it: an orphan a paused process left stopped acts on its SIGTERM only once continued.
      for (const pid of orphans) if (signalPid(pid, 'SIGTERM')) signalPid(pid, 'SIGCONT');
      const deadline = Date.now() + graceMs;
      while (orphans.some(isPidAlive) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      for (const pid of orphans) if (isPidAlive(pid)) signalPid(pid, 'SIGKILL');
      while (orphans.some(isPidAlive)) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      this.#subreaper.reap();
      ended.push(...orphans);
    }
    return ended;
  }
}
