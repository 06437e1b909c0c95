import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { killStrayClis, runCli } from './cli.js';
import { isRunning, killMarked } from './processes.js';
import type { TempProject } from './project.js';

/** The pid in the project's `state.json`, null when there is none. */
export function supervisorPid(p: Pick<TempProject, 'dir'>): number | null {
  try {
    return (
      JSON.parse(readFileSync(join(p.dir, '.ovrseer', 'state.json'), 'utf8')) as {
        supervisor: { pid: number };
      }
    ).supervisor.pid;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * The afterEach net for tests that start supervisors: `down` for each project, then SIGKILL for its
 * supervisor and marked processes if they outlived it, the directory removed, stray CLIs killed.
 */
export async function endProjects(projects: TempProject[]): Promise<void> {
  for (const created of projects.splice(0)) {
    await runCli(['down'], { cwd: created.dir });
    const pid = supervisorPid(created);
    if (pid !== null && isRunning(pid)) process.kill(pid, 'SIGKILL');
    killMarked(created.name);
    created.remove();
  }
  killStrayClis();
}
