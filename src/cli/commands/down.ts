import type { ProjectSpec } from '../../config/spec.js';
import { projectIdOf } from '../../core/project-id.js';
import { OvrseerError } from '../../errors.js';
import { EXIT_FAILURE, EXIT_OK } from '../../exit-codes.js';
import { statePaths } from '../../os/state-dir.js';
import type { ApiClient } from '../../supervisor/client.js';
import type { Leftover } from '../../supervisor/recovery.js';
import { locateProject, locateSupervisor } from '../locate.js';
import { type ControlOptions, waitSaying } from './control.js';

/** At most this many pids in a message: the count says the rest. */
const SHOWN = 10;

/**
 * `ovrseer down`: graceful shutdown (cleanup included), then a check that none of the project's
 * processes is left. With no supervisor answering it ends what a dead one left (the recovery `up`
 * does). Exit 0 only when nothing of the project runs any more; otherwise it lists what does, exit 1.
 */
export async function runDown(options: ControlOptions & { timeout?: number }): Promise<number> {
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  const client = await supervisorOrNull(options);
  if (client === null) return recoverWithoutSupervisor(options, out, err);
  const { pid } = await client.post<{ ok: boolean; pid?: number }>('/v1/shutdown');
  const { isPidAlive } = await import('../../core/kill.js');
  const deadline = Date.now() + (options.timeout ?? 120_000);
  // The socket closes before the process ends (it still writes its state file): wait for both.
  const gone = async (): Promise<void> => {
    while ((await client.ping()) || (pid !== undefined && isPidAlive(pid))) {
      if (Date.now() > deadline)
        throw new OvrseerError(
          'OVRSEER_API_FAILED',
          'the supervisor is still running after the shutdown timeout',
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitSaying(gone, client, 'down', options);
  // A supervisor that died half way through (SIGKILL, OOM) has left the rest running: say so.
  const { spec, shown } = await locateProject(options);
  const left = await leftoversOf(spec, err);
  if (left.length > 0) {
    err.write(describeLeftovers(shown, left, 'after-shutdown'));
    return EXIT_FAILURE;
  }
  out.write('stopped\n');
  return EXIT_OK;
}

async function supervisorOrNull(options: ControlOptions): Promise<ApiClient | null> {
  try {
    return await locateSupervisor(options);
  } catch (error) {
    if (error instanceof OvrseerError && error.code === 'OVRSEER_NOT_RUNNING') return null;
    throw error;
  }
}

async function recoverWithoutSupervisor(
  options: ControlOptions,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  const { spec, shown } = await locateProject(options);
  const { readStateFile } = await import('../../supervisor/state-file.js');
  const { recoverLeftovers } = await import('../../supervisor/recovery.js');
  const state = readStateFile(statePaths(spec.settings.stateDir).stateFile);
  if (state.warning !== null) err.write(`${state.warning}\n`);
  let ended: string[];
  try {
    ended = await recoverLeftovers(spec, state.content, projectIdOf(spec));
  } catch (error) {
    // Told below, with every pid that is left (not only those SIGKILL did not end).
    if (!(error instanceof OvrseerError && error.code === 'OVRSEER_KILL_FAILED')) throw error;
    ended = [];
  }
  const left = await leftoversOf(spec, null);
  if (left.length > 0) {
    err.write(describeLeftovers(shown, left, 'after-recovery'));
    return EXIT_FAILURE;
  }
  out.write(describeRecovered(shown, ended));
  return EXIT_OK;
}

/** What still runs of the project; reads `state.json` again (a supervisor that died wrote it last). */
async function leftoversOf(spec: ProjectSpec, err: NodeJS.WritableStream | null): Promise<Leftover[]> {
  const { readStateFile } = await import('../../supervisor/state-file.js');
  const { findLeftovers } = await import('../../supervisor/recovery.js');
  const state = readStateFile(statePaths(spec.settings.stateDir).stateFile);
  if (state.warning !== null) err?.write(`${state.warning}\n`);
  return findLeftovers(spec, state.content, projectIdOf(spec));
}

/** `down` without a supervisor: what it ended, or that there was nothing to end. */
export function describeRecovered(shown: string, ended: readonly string[]): string {
  if (ended.length === 0)
    return `nothing to stop: no ovrseer running for ${shown}, and none of its processes\n`;
  const what = ended.length === 1 ? '1 process' : `${ended.length} processes`;
  return `no ovrseer was running for ${shown}: recovered ${what} a supervisor that died left running\n${indented(ended)}stopped\n`;
}

/**
 * The processes of the project still running after `down` did what it could.
 * @param when `after-shutdown`: the supervisor went before they did (it died half way);
 *   `after-recovery`: `down` itself tried to end them, even with SIGKILL
 */
export function describeLeftovers(
  shown: string,
  left: readonly Leftover[],
  when: 'after-shutdown' | 'after-recovery',
): string {
  const lines = indented(left.map((leftover) => `pid ${leftover.pid} (${leftover.what})`));
  const what = left.length === 1 ? '1 process' : `${left.length} processes`;
  const [situation, hint] =
    when === 'after-shutdown'
      ? ['the supervisor exited', '`ovrseer down` again ends them']
      : [
          'no supervisor runs',
          'they survived SIGKILL (stuck in the kernel, or not ours to signal): see `ps -o pid,stat,user -p PID`',
        ];
  return `ovrseer: ${situation} but ${what} of ${shown} still ${left.length === 1 ? 'runs' : 'run'}:\n${lines}${hint}\n`;
}

/** The first `SHOWN` items, one indented line each, then how many more. */
function indented(items: readonly string[]): string {
  const lines = items.slice(0, SHOWN).map((item) => `  ${item}\n`);
  if (items.length > SHOWN) lines.push(`  … and ${items.length - SHOWN} more\n`);
  return lines.join('');
}
