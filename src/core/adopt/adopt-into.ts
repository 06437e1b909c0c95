import { OvrseerError } from '../../errors.js';
import type { ManagedProcess, ManagedProcessContext, ProcessInfo } from '../managed-process.js';
import { checkAdoptable } from './adoptable.js';

/** What `adoptInto` needs of the manager. */
export interface AdoptHost {
  get(id: string): ManagedProcess | undefined;
  isShuttingDown: boolean;
}

/** `ProcessManager.adopt`: checks the pid, then hands it to the one instance of `name`. */
export async function adoptInto(
  host: AdoptHost,
  context: Pick<ManagedProcessContext, 'project' | 'adoption'>,
  name: string,
  pid: number,
): Promise<ProcessInfo> {
  if (host.isShuttingDown) throw new OvrseerError('OVRSEER_INVALID_STATE', 'the project is shutting down');
  const instance = host.get(name);
  if (instance === undefined) {
    const replica = host.get(`${name}.1`);
    throw replica === undefined
      ? new OvrseerError('OVRSEER_UNKNOWN_PROCESS', `unknown process "${name}"`)
      : new OvrseerError(
          'OVRSEER_INVALID_STATE',
          `${name} has replicas; adopt into one process (scale ${name}=1 first)`,
        );
  }
  const target = checkAdoptable(pid, {
    projectId: context.project.id,
    isManaged: context.adoption?.isManaged ?? (() => false),
  });
  await instance.adopt(target);
  return instance.info();
}
