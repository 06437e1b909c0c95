import { resolve } from 'node:path';
import { projectIdOf } from '../../core/project-id.js';
import { OvrseerError } from '../../errors.js';
import { statePaths } from '../../os/state-dir.js';
import { socketPathFor } from '../../supervisor/api/socket-path.js';
import { ApiClient } from '../../supervisor/client.js';
import { type RestorePlan, readSnapshotFile, restorePlan } from '../../supervisor/snapshot/restore.js';
import type { UpOptions } from './up.js';

/** Options of `up` that choose or change the config: a snapshot brings its own. */
const CONFIG_OPTIONS = [
  ['file', '-f'],
  ['env', '--env'],
  ['port', '-p'],
  ['formation', '-m'],
  ['envFile', '-e'],
  ['profile', '--profile'],
] as const;

/**
 * `up --from-snapshot FILE`: the snapshot's project and what to start, once it is sure no supervisor
 * runs for that project (restoring over a running one would be two owners of one set of processes).
 */
export async function planFromSnapshot(options: UpOptions & { fromSnapshot: string }): Promise<RestorePlan> {
  const given = CONFIG_OPTIONS.find(([key]) => options[key] !== undefined);
  if (given !== undefined)
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `--from-snapshot brings the config it was taken with: leave out ${given[1]}`,
    );
  if (options.names.length > 0 || options.deps === false)
    throw new OvrseerError(
      'OVRSEER_USAGE',
      '--from-snapshot starts what ran when the snapshot was taken: leave out the process names and --no-deps',
    );
  const file = resolve(options.cwd ?? process.cwd(), options.fromSnapshot);
  const plan = restorePlan(readSnapshotFile(file));
  const socket = socketPathFor(statePaths(plan.spec.settings.stateDir), projectIdOf(plan.spec));
  if (await new ApiClient(socket).ping())
    throw new OvrseerError(
      'OVRSEER_ALREADY_RUNNING',
      `ovrseer is already running for ${plan.spec.file ?? plan.spec.dir} (socket ${socket}): a snapshot restores a stopped project; run \`ovrseer down\` first, then \`ovrseer up --from-snapshot ${options.fromSnapshot}\``,
    );
  return plan;
}
