import type { AdoptSpec } from '../../config/spec.js';
import { errorMessage, OvrseerError } from '../../errors.js';
import type { ManagedProcessContext } from '../managed-process.js';
import { type AdoptTarget, checkAdoptable } from './adoptable.js';
import { findAdoptTarget } from './find-target.js';

export type StartChoice =
  | { kind: 'adopt'; target: AdoptTarget; from: string }
  | { kind: 'spawn'; why: string }
  | { kind: 'failed'; reason: string };

/**
 * What a start of a process with `adopt:` does: adopt the one running process the config points at;
 * spawn when none runs (a missing pidfile, a dead pid, no match — the usual first `up`); fail, with
 * the reason, when the choice is not safe (several matches, another user's process, an unreadable
 * pidfile) — spawning a second copy next to the one the user meant would be worse.
 */
export function adoptOnStart(
  spec: AdoptSpec,
  context: Pick<ManagedProcessContext, 'project' | 'adoption'>,
): StartChoice {
  try {
    const found = findAdoptTarget(spec, { projectId: context.project.id });
    if (found.pid === null) return { kind: 'spawn', why: found.why };
    const target = checkAdoptable(found.pid, {
      projectId: context.project.id,
      isManaged: context.adoption?.isManaged ?? (() => false),
    });
    return { kind: 'adopt', target, from: found.from };
  } catch (error) {
    if (
      error instanceof OvrseerError &&
      error.code === 'OVRSEER_ADOPT_NO_PROCESS' &&
      spec.pidfile !== undefined
    ) {
      // The pid went between reading the pidfile and checking it: nothing runs, start it.
      if (/^no process/.test(error.message)) return { kind: 'spawn', why: error.message };
    }
    return { kind: 'failed', reason: `cannot adopt: ${errorMessage(error)}` };
  }
}
