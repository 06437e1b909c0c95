import { loadProject } from '../../src/config/load.js';
import type { CrashReportRequest, HealthChangeEvent, StateChangeEvent } from '../../src/core/events.js';
import { ProcessManager } from '../../src/core/process-manager.js';
import { killMarked } from './processes.js';
import { type TempProject, tempProject } from './project.js';

export interface Harness {
  project: TempProject;
  manager: ProcessManager;
  lines: (id: string) => string[];
  states: StateChangeEvent[];
  health: HealthChangeEvent[];
  errors: string[];
  reports: CrashReportRequest[];
  stateOf: (id: string) => string | undefined;
  /** State changes of one instance, as `from>to`. */
  path: (id: string) => string[];
}

const live: Harness[] = [];

/**
 * A project from YAML (`{{name}}` is replaced by a unique name) run by a real ProcessManager, with
 * every event recorded. `cleanupHarnesses()` in afterEach ends whatever a test left.
 */
export function harness(yaml: string, files: Record<string, string> = {}): Harness {
  const project = tempProject(yaml, files);
  const reports: CrashReportRequest[] = [];
  const manager = new ProcessManager(loadProject({ file: project.file }), {
    reports: { report: (request) => reports.push(request) },
  });
  const lines = new Map<string, string[]>();
  const states: StateChangeEvent[] = [];
  const health: HealthChangeEvent[] = [];
  const errors: string[] = [];
  manager.on('log', (event) => {
    const list = lines.get(event.process) ?? [];
    list.push(event.text);
    lines.set(event.process, list);
  });
  manager.on('state', (event) => states.push(event));
  manager.on('health', (event) => health.push(event));
  manager.on('error', (event) => errors.push(event.error.message));
  const created: Harness = {
    project,
    manager,
    lines: (id) => lines.get(id) ?? [],
    states,
    health,
    errors,
    reports,
    stateOf: (id) => manager.get(id)?.state,
    path: (id) => states.filter((event) => event.process === id).map((event) => `${event.from}>${event.to}`),
  };
  live.push(created);
  return created;
}

/** afterEach: the manager's own forced shutdown first, then SIGKILL for anything still marked. */
export async function cleanupHarnesses(): Promise<void> {
  for (const created of live.splice(0)) {
    await created.manager.shutdown({ force: true });
    killMarked(created.project.name);
    created.project.remove();
  }
}
