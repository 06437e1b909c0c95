import { homedir } from 'node:os';
import { errorMessage } from '../../errors.js';
import { ApiClient } from '../../supervisor/client.js';
import type { ProcessRow } from '../../supervisor/process-rows.js';
import { type RegistryEntry, type RegistryOptions, readRegistry } from '../../supervisor/registry.js';
import { shouldUseColor } from '../../terminal/format.js';
import { alignTable, formatUptime, renderProcessTable } from '../../terminal/process-table.js';

/** How long `ls` waits for each supervisor: one that is stuck must not hold up the list. */
const ASK_TIMEOUT_MS = 2000;
/** Counted as up in UP/TOTAL. */
const UP_STATUSES = new Set(['running', 'ready', 'paused']);

export interface ProjectsOptions {
  json?: boolean;
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  err?: NodeJS.WritableStream;
  /** @default the user's registry */
  registry?: RegistryOptions;
  /** @default Date.now */
  now?: () => number;
}

/** A running project with what its supervisor answered (rows null: it did not). */
export interface ProjectStatus {
  entry: RegistryEntry;
  rows: ProcessRow[] | null;
  error: string | null;
  /** Ports of this project that another running project also uses, with those projects. */
  sharedPorts: { port: number; projects: string[] }[];
}

/** Every running supervisor of this user, each asked for its processes (in parallel). */
export async function projectStatuses(registry: RegistryOptions = {}): Promise<ProjectStatus[]> {
  const entries = readRegistry(registry);
  const answers = await Promise.all(
    entries.map(async (entry) => {
      try {
        const rows = await new ApiClient(entry.socket).get<ProcessRow[]>('/v1/processes', ASK_TIMEOUT_MS);
        return { rows, error: null };
      } catch (error) {
        return { rows: null, error: errorMessage(error) };
      }
    }),
  );
  const statuses = entries.map((entry, index) => ({
    entry,
    rows: answers[index]?.rows ?? null,
    error: answers[index]?.error ?? null,
    sharedPorts: [] as ProjectStatus['sharedPorts'],
  }));
  markSharedPorts(statuses);
  return statuses;
}

/** A port listened on in two projects is reported in each of them, naming the others. */
export function markSharedPorts(statuses: ProjectStatus[]): void {
  const users = new Map<number, ProjectStatus[]>();
  for (const status of statuses) {
    for (const port of portsOf(status)) users.set(port, [...(users.get(port) ?? []), status]);
  }
  for (const [port, sharing] of [...users].sort(([a], [b]) => a - b)) {
    if (sharing.length < 2) continue;
    for (const status of sharing) {
      const others = sharing.filter((other) => other !== status).map((other) => other.entry.project);
      status.sharedPorts.push({ port, projects: others });
    }
  }
}

function portsOf(status: ProjectStatus): number[] {
  return [...new Set((status.rows ?? []).flatMap((row) => row.ports))].sort((a, b) => a - b);
}

/** `ovrseer ls [--json]` (alias `projects`). */
export async function runProjects(options: ProjectsOptions = {}): Promise<number> {
  const statuses = await projectStatuses(options.registry);
  const out = options.out ?? process.stdout;
  const now = (options.now ?? Date.now)();
  if (options.json) {
    out.write(`${JSON.stringify(statuses.map((status) => projectJson(status, now)))}\n`);
    return 0;
  }
  if (statuses.length === 0) {
    out.write('no running projects (start one with `ovrseer up -d`)\n');
    return 0;
  }
  const body = statuses.map((status) => {
    const shared = new Set(status.sharedPorts.map((shared) => shared.port));
    const ports = portsOf(status).map((port) => `:${port}${shared.has(port) ? '!' : ''}`);
    return [
      status.entry.project,
      shortPath(status.entry.directory),
      status.rows === null ? 'no answer' : `${upCount(status.rows)}/${status.rows.length}`,
      ports.length === 0 ? '-' : ports.join(','),
      formatUptime(now - Date.parse(status.entry.startedAt)),
    ];
  });
  const notes = statuses.flatMap((status) => [
    ...(status.error === null
      ? []
      : [
          `${status.entry.project}: its supervisor (pid ${status.entry.pid}) did not answer: ${status.error}`,
        ]),
    ...status.sharedPorts.map(
      (shared) =>
        `warning: ${status.entry.project}: port ${shared.port} is also used by ${shared.projects.join(', ')}`,
    ),
  ]);
  out.write(alignTable(['PROJECT', 'DIRECTORY', 'UP/TOTAL', 'PORTS', 'UPTIME'], body));
  if (notes.length > 0) out.write(`\n${notes.join('\n')}\n`);
  return 0;
}

/** `ovrseer ps --all [--json]`: the processes of every running project, with a PROJECT column. */
export async function runPsAll(options: ProjectsOptions = {}): Promise<number> {
  const statuses = await projectStatuses(options.registry);
  const out = options.out ?? process.stdout;
  const err = options.err ?? process.stderr;
  for (const status of statuses) {
    if (status.error !== null)
      err.write(`${status.entry.project} (${status.entry.directory}): no answer: ${status.error}\n`);
  }
  const answering = statuses.filter((status) => status.rows !== null);
  const rows = answering.flatMap((status) => status.rows ?? []);
  if (options.json) {
    const json = answering.flatMap((status) =>
      (status.rows ?? []).map((row) => ({
        project: status.entry.project,
        directory: status.entry.directory,
        ...row,
      })),
    );
    out.write(`${JSON.stringify(json)}\n`);
    return 0;
  }
  if (statuses.length === 0) {
    out.write('no running projects (start one with `ovrseer up -d`)\n');
    return 0;
  }
  // Two running projects of one name are told apart by their directories, as `-p` would need them.
  const named = (status: ProjectStatus): string =>
    answering.filter((other) => other.entry.project === status.entry.project).length > 1
      ? shortPath(status.entry.directory)
      : status.entry.project;
  const projects = answering.flatMap((status) => (status.rows ?? []).map(() => named(status)));
  out.write(renderProcessTable(rows, { color: shouldUseColor(out), projects }));
  return 0;
}

function projectJson(status: ProjectStatus, now: number): Record<string, unknown> {
  const { entry, rows } = status;
  return {
    project: entry.project,
    directory: entry.directory,
    config_file: entry.configFile,
    state_dir: entry.stateDir,
    socket: entry.socket,
    pid: entry.pid,
    started_at: entry.startedAt,
    uptime_ms: Math.max(0, now - Date.parse(entry.startedAt)),
    api_listen: entry.apiListen,
    answering: rows !== null,
    error: status.error,
    up: rows === null ? null : upCount(rows),
    total: rows === null ? null : rows.length,
    ports: portsOf(status),
    shared_ports: status.sharedPorts,
  };
}

function upCount(rows: readonly ProcessRow[]): number {
  return rows.filter((row) => UP_STATUSES.has(row.status)).length;
}

function shortPath(path: string): string {
  const home = homedir();
  return path === home || path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
