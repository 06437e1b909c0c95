import type { ProcessRow } from '../../supervisor/process-rows.js';
import type { DynamicValues } from './complete.js';

interface Named {
  name: string;
  group: string | null;
  tags: readonly string[];
  /** Instance names beyond the base name (`worker.2`). */
  instances: readonly string[];
}

function fromRows(rows: readonly ProcessRow[]): Named[] {
  const byBase = new Map<string, Named & { instances: string[] }>();
  for (const row of rows) {
    const base = row.instance === null ? row.name : row.name.replace(/\.\d+$/, '');
    let named = byBase.get(base);
    if (named === undefined) {
      named = { name: base, group: row.group, tags: row.tags, instances: [] };
      byBase.set(base, named);
    }
    if (row.instance !== null) named.instances.push(row.name);
  }
  return [...byBase.values()];
}

/**
 * The project's processes as the running supervisor has them (replicas after `scale`), else as the
 * config file says. Null when neither can be read: completion then offers nothing, silently.
 */
async function projectProcesses(file: string | undefined): Promise<Named[] | null> {
  const options = file === undefined ? {} : { file };
  try {
    const { querySupervisor } = await import('../locate.js');
    const { answer } = await querySupervisor(options, (client) =>
      client.get<ProcessRow[]>('/v1/processes', 2000),
    );
    return fromRows(answer);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
  }
  try {
    const { locateProject } = await import('../locate.js');
    const { spec } = await locateProject(options);
    return spec.processes.map((process) => ({
      name: process.name,
      group: process.group,
      tags: process.tags,
      instances:
        process.replicas > 1
          ? Array.from({ length: process.replicas }, (_, index) => `${process.name}.${index + 1}`)
          : [],
    }));
  } catch (error) {
    // A broken or missing config: nothing to offer, and nothing may be printed into the shell's line.
    if (error instanceof Error) return null;
    throw error;
  }
}

async function reportIds(file: string | undefined): Promise<string[]> {
  try {
    const { locateProject } = await import('../locate.js');
    const { spec } = await locateProject(file === undefined ? {} : { file });
    const { statePaths } = await import('../../os/state-dir.js');
    const { CrashReporter } = await import('../../reports/crash-reporter.js');
    const reporter = new CrashReporter({
      dir: statePaths(spec.settings.stateDir).reports,
      maxReports: spec.settings.limits.maxCrashReports,
      maxReportSize: spec.settings.limits.maxCrashReportSize,
      readOnly: true,
      // A damaged report is the `reports` command's to say; completion offers the others.
      onError: () => undefined,
    });
    await reporter.load();
    return reporter.list().map((report) => report.id);
  } catch (error) {
    if (error instanceof Error) return [];
    throw error;
  }
}

/** The names, targets, `NAME=` words and report ids of the project the command line is about. */
export const projectValues: DynamicValues = async (kind, given, project) => {
  if (kind === 'projects') return runningProjects();
  const file = given ?? (project === undefined ? undefined : await projectFile(project));
  if (kind === 'reports') return reportIds(file);
  const processes = await projectProcesses(file);
  if (processes === null) return [];
  const names = processes.map((process) => process.name);
  if (kind === 'names') return names;
  if (kind === 'assignments') return names.map((name) => `${name}=`);
  const groups = new Set(
    processes.flatMap((process) => (process.group === null ? [] : [`group:${process.group}`])),
  );
  const tags = new Set(processes.flatMap((process) => process.tags.map((tag) => `tag:${tag}`)));
  return [...names, ...processes.flatMap((process) => process.instances), ...groups, ...tags, 'all'];
};

/** Names of the running projects, and the directories of those whose name is not unique. */
async function runningProjects(): Promise<string[]> {
  const { readRegistry } = await import('../../supervisor/registry.js');
  const entries = readRegistry();
  return entries.map((entry) =>
    entries.filter((other) => other.project === entry.project).length > 1 ? entry.directory : entry.project,
  );
}

/** The config file of the project `-p` names; undefined (this directory's) when none matches. */
async function projectFile(project: string): Promise<string | undefined> {
  const { readRegistry, resolveProject } = await import('../../supervisor/registry.js');
  try {
    return resolveProject(project, readRegistry()).configFile ?? undefined;
  } catch (error) {
    if (error instanceof Error) return undefined;
    throw error;
  }
}
