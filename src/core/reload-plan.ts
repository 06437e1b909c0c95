/**
 * The planner of a live reload (`ovrseer reload`, SIGHUP): what the difference between the config in
 * force and the file as it is now asks of the running project. Pure: two normalized specs in, a plan
 * out; `reload-apply.ts` carries it out.
 */
import type { ProcessSpec, ProjectSpec } from '../config/spec.js';

/**
 * `add`: new in the file. `remove`: gone from it. `restart`: how it is spawned changed (command, env,
 * cwd…), or a dependency it says `restart: true` for restarts. `in-place`: settings the running
 * instances take without a restart (replicas, probes, restart policy, limits…). `unchanged`: untouched.
 */
export type ReloadAction = 'add' | 'remove' | 'restart' | 'in-place' | 'unchanged';

export interface ReloadEntry {
  name: string;
  action: ReloadAction;
  /** Config keys that changed (`command`, `env.PORT`, `replicas`, `depends_on.db.restart`); values never. */
  keys: string[];
  /** Why, in words, for the plan's table. */
  reason: string;
}

export interface ReloadPlan {
  /** Processes of the new file in its order, then the removed ones. */
  entries: ReloadEntry[];
  /** Settings that changed and apply now (`settings.shutdown_timeout`). */
  settings: string[];
  /** Settings that changed but take a `down` and an `up` (`settings.state_dir`, `settings.api.*`): not applied. */
  needsDownUp: string[];
}

/** Fields whose change needs a new spawn: they shape the command line, its environment or its user. */
const RESTART_FIELDS = new Set<keyof ProcessSpec>([
  'type',
  'command',
  'cwd',
  'env',
  'user',
  'port',
  'instanceVars',
]);

/** Maps whose changed entries are named one by one (`env.PORT`, `limits.memory`). */
const BY_ENTRY = new Set<keyof ProcessSpec>([
  'env',
  'instanceVars',
  'limits',
  'restart',
  'stop',
  'log',
  'watch',
]);

/** Config key of a spec field where the two differ. */
const CONFIG_KEYS: Partial<Record<keyof ProcessSpec, string>> = {
  dependsOn: 'depends_on',
  cronRestart: 'cron_restart',
  instanceVars: 'instance_vars',
};

/** Settings the engine reads each time it needs them, so a changed value applies at once. */
const LIVE_SETTINGS = new Set(['settings.shutdown_timeout', 'settings.limits.max_processes']);

export function planReload(current: ProjectSpec, next: ProjectSpec): ReloadPlan {
  const before = new Map(current.processes.map((process) => [process.name, process]));
  const entries = new Map<string, ReloadEntry>();
  for (const process of next.processes) {
    const old = before.get(process.name);
    entries.set(process.name, old === undefined ? added(process) : compare(old, process));
  }
  for (const process of current.processes) {
    if (!entries.has(process.name))
      entries.set(process.name, {
        name: process.name,
        action: 'remove',
        keys: [],
        reason: 'not in the file any more',
      });
  }
  restartDependents(next.processes, entries);
  const { settings, needsDownUp } = compareSettings(current, next);
  return { entries: [...entries.values()], settings, needsDownUp };
}

/** True when the plan changes nothing at all. */
export function planIsEmpty(plan: ReloadPlan): boolean {
  return (
    plan.settings.length === 0 &&
    plan.needsDownUp.length === 0 &&
    plan.entries.every((entry) => entry.action === 'unchanged')
  );
}

function added(process: ProcessSpec): ReloadEntry {
  return { name: process.name, action: 'add', keys: [], reason: 'new in the file' };
}

function compare(old: ProcessSpec, next: ProcessSpec): ReloadEntry {
  const restartKeys: string[] = [];
  const inPlaceKeys: string[] = [];
  const fields = new Set([...Object.keys(old), ...Object.keys(next)] as Array<keyof ProcessSpec>);
  for (const field of fields) {
    if (field === 'name') continue;
    const keys = changedKeys(
      CONFIG_KEYS[field] ?? field,
      old[field],
      next[field],
      BY_ENTRY.has(field) ? 1 : 0,
    );
    if (keys.length === 0) continue;
    // A field this planner does not know yet is taken as needing a restart: never too little.
    const live = !RESTART_FIELDS.has(field) && field in IN_PLACE_FIELDS;
    (live ? inPlaceKeys : restartKeys).push(...keys);
  }
  if (restartKeys.length > 0)
    return {
      name: next.name,
      action: 'restart',
      keys: [...restartKeys, ...inPlaceKeys],
      reason: `${restartKeys.join(', ')} changed`,
    };
  if (inPlaceKeys.length > 0)
    return {
      name: next.name,
      action: 'in-place',
      keys: inPlaceKeys,
      reason: `${inPlaceKeys.join(', ')} changed`,
    };
  return { name: next.name, action: 'unchanged', keys: [], reason: '' };
}

/** The fields applied to running instances (`reload-apply.ts` knows how for each). */
const IN_PLACE_FIELDS: Partial<Record<keyof ProcessSpec, true>> = {
  replicas: true,
  ready: true,
  health: true,
  restart: true,
  stop: true,
  group: true,
  tags: true,
  priority: true,
  limits: true,
  watch: true,
  cronRestart: true,
  log: true,
  dependsOn: true,
  disabled: true,
};

/**
 * compose's `depends_on: {db: {restart: true}}`: a process restarts with a dependency that restarts,
 * transitively. Added processes start anyway; removed ones are gone.
 */
function restartDependents(processes: readonly ProcessSpec[], entries: Map<string, ReloadEntry>): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const process of processes) {
      const entry = entries.get(process.name);
      if (entry === undefined || entry.action === 'add' || entry.action === 'restart') continue;
      const cause = process.dependsOn.find(
        (dependency) => dependency.restart === true && entries.get(dependency.name)?.action === 'restart',
      );
      if (cause === undefined) continue;
      const why = `${cause.name} restarts (depends_on.${cause.name}.restart: true)`;
      entries.set(process.name, {
        ...entry,
        action: 'restart',
        reason: entry.reason === '' ? why : `${why}; ${entry.reason}`,
      });
      changed = true;
    }
  }
}

function compareSettings(
  current: ProjectSpec,
  next: ProjectSpec,
): { settings: string[]; needsDownUp: string[] } {
  const keys = [
    ...changedKeys('settings', current.settings, next.settings, 3),
    ...changedKeys('name', current.name, next.name),
    ...changedKeys('plugins', current.plugins, next.plugins, 1),
  ];
  return {
    settings: keys.filter((key) => LIVE_SETTINGS.has(key)),
    needsDownUp: keys.filter((key) => !LIVE_SETTINGS.has(key)),
  };
}

/**
 * The config keys under `key` whose values differ: the key itself, or for maps (env, limits, the
 * restart policy…) the changed entries one level down (`depth` levels for the settings).
 */
function changedKeys(key: string, a: unknown, b: unknown, depth = 1): string[] {
  if (same(a, b)) return [];
  if (depth === 0 || !isRecord(a) || !isRecord(b)) return [key];
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  // Variable names are the user's own spelling; spec fields are camelCase for snake_case keys.
  const rename = key === 'env' || key === 'instance_vars' ? (name: string) => name : snakeCase;
  return [...names].flatMap((name) => changedKeys(`${key}.${rename(name)}`, a[name], b[name], depth - 1));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function snakeCase(name: string): string {
  return /^[a-z][a-zA-Z0-9]*$/.test(name) ? name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : name;
}

/** Deep equality of JSON-like values; key order and absent-versus-undefined do not count. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => same(item, b[index]));
  }
  if (!isRecord(a) || !isRecord(b)) return false;
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const name of names) if (!same(a[name], b[name])) return false;
  return true;
}
