import { OvrseerError } from '../../errors.js';
import { sleep, waitAtMost } from '../clock.js';
import { signalPid } from '../kill.js';
import { type EndGroupOptions, endGroup, runBeforeSignal } from '../terminate.js';
import type { AdoptTarget } from './adoptable.js';
import { isSameProcess, type StatReader } from './exit-watch.js';

const POLL_MS = 10;
/** As in terminate.ts: past this after SIGKILL something is wrong (a process in D state). */
const AFTER_KILL_GRACE_MS = 2000;

/**
 * Ends an adopted process with the same escalation as our own (stop command, signal, SIGKILL after
 * the timeout). A group leader of its own group gets group signals, so its children go with it; any
 * other adopted pid is signalled alone — its group is a shell's job or ours, not its to take down.
 */
export async function endAdopted(
  target: AdoptTarget,
  options: Omit<EndGroupOptions, 'pgid'>,
  readStat: StatReader,
): Promise<{ escalated: boolean }> {
  if (target.leadsGroup) return endGroup({ ...options, pgid: target.pid });
  const { clock } = options;
  const alive = (): boolean => isSameProcess(readStat(target.pid), target.startTime);
  const deadline = clock.now() + options.timeout;
  if (!options.force) {
    await runBeforeSignal(options);
    if ((options.beforeSignal === undefined || options.commandOnly !== true) && alive()) {
      signalPid(target.pid, options.signal);
      options.onSignal?.(options.signal);
    }
    await waitAtMost(clock, options.leaderExited, Math.max(0, deadline - clock.now()));
    if (!alive()) return { escalated: false };
  }
  options.onSignal?.('SIGKILL');
  // Checked again right before: the pid must still be the process adopted, not a reused one.
  if (alive()) signalPid(target.pid, 'SIGKILL');
  const until = clock.now() + AFTER_KILL_GRACE_MS;
  while (alive()) {
    if (clock.now() >= until) {
      throw new OvrseerError('OVRSEER_KILL_FAILED', `adopted pid ${target.pid} survived SIGKILL`);
    }
    await sleep(clock, POLL_MS);
  }
  return { escalated: true };
}
