import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';
import type { Locator, ProcessInput, ProjectInput } from './input.js';
import { adoptSchema } from './schema-adopt.js';
import {
  commandSchema,
  cronSchema,
  type DependencyEntry,
  dependsOnSchema,
  envFileInput,
  envFileList,
  envMapSchema,
  inSourceOrder,
  intSchema,
  labelSchema,
  oneOf,
  portSchema,
  tagsSchema,
  userSchema,
} from './schema-common.js';
import {
  limitsSchema,
  logSchema,
  projectShape,
  restartSchema,
  stopSchema,
  watchSchema,
} from './schema-policies.js';
import { healthSchema, readySchema } from './schema-probes.js';
import type { ProcessType } from './spec.js';
import { didYouMean } from './suggest.js';
import type { Path } from './yaml-source.js';

export const processTypeSchema = oneOf(['dependency', 'service', 'main', 'task', 'cleanup']).transform(
  (value): ProcessType => (value === 'main' ? 'service' : value),
);

export const canonicalProcessSchema = z.strictObject({
  type: processTypeSchema.optional(),
  command: commandSchema,
  shell: z.string().min(1).optional(),
  cwd: z.string().min(1).optional(),
  env_file: envFileList
    .refine((files) => files.every((file) => file.interpolationOnly !== true), {
      error: "interpolation_only is for the project's env_file (a process's env files are its environment)",
    })
    .optional(),
  env: envMapSchema.optional(),
  depends_on: dependsOnSchema.optional(),
  ready: readySchema.optional(),
  health: healthSchema.nullable().optional(),
  restart: restartSchema.optional(),
  stop: stopSchema.optional(),
  group: labelSchema.nullable().optional(),
  tags: tagsSchema.optional(),
  priority: z.number().int().optional(),
  replicas: intSchema(1).optional(),
  port: portSchema.nullable().optional(),
  user: userSchema.nullable().optional(),
  limits: limitsSchema.optional(),
  watch: watchSchema.optional(),
  cron_restart: cronSchema.nullable().optional(),
  /** `{NODE_APP_INSTANCE: 0}`: each instance gets base + its 0-based index. @default {} */
  instance_vars: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a variable name such as NODE_APP_INSTANCE'),
      z.number().int(),
      { error: 'expected a map of variable names to base numbers, e.g. {NODE_APP_INSTANCE: 0}' },
    )
    .optional(),
  log: logSchema.optional(),
  disabled: z.boolean().optional(),
  adopt: adoptSchema.nullable().optional(),
  /** `node`: a Node IPC channel for `process.send` (docs/ipc.md). @default none */
  ipc: oneOf(['node', 'none']).optional(),
});

/** `environments: {production: {env, env_file, processes: {api: {replicas: 4}}}}`, chosen by `--env`. */
export const environmentSchema = z.strictObject({
  env_file: envFileList.optional(),
  env: envMapSchema.optional(),
  processes: z
    .record(z.string(), canonicalProcessSchema.partial(), {
      error: 'expected a map of process names to the keys to change, e.g. {api: {replicas: 4}}',
    })
    .optional(),
});

/** The form `ovrseer schema` publishes and `ovrseer init` writes. */
export const canonicalProjectSchema = z.strictObject({
  ...projectShape,
  environments: z
    .record(z.string(), environmentSchema, {
      error: 'expected a map of environment names, e.g. {production: {env: {…}}}',
    })
    .optional(),
  processes: z.record(z.string(), canonicalProcessSchema, {
    error: 'expected a map of processes (name: {command: …}) or a list of {id, command, …}',
  }),
});

export type CanonicalProject = z.output<typeof canonicalProjectSchema>;
type CanonicalProcess = z.output<typeof canonicalProcessSchema>;
type ProcessFields = Omit<ProcessInput, 'name' | 'namePath' | 'nameIsKey' | 'command'> & {
  command?: ProcessInput['command'];
};

export function dependencyInputs(entries: readonly DependencyEntry[], at: Path): ProcessInput['dependsOn'] {
  return entries.map(({ segment, ...entry }) => ({
    ...entry,
    path: segment === null ? at : [...at, segment],
  }));
}

/** The fields of a process, or of an environment's overlay of one, with paths into where it was written. */
function processFields(p: Partial<CanonicalProcess>, path: Path): ProcessFields {
  return {
    type: p.type,
    command: p.command,
    shell: p.shell,
    cwd: p.cwd,
    envFile: p.env_file?.map((file, i) => envFileInput(file, [...path, 'env_file', i])),
    env: p.env,
    dependsOn: p.depends_on && dependencyInputs(p.depends_on, [...path, 'depends_on']),
    ready: p.ready,
    health: p.health,
    restart: p.restart,
    stop: p.stop,
    group: p.group,
    tags: p.tags,
    priority: p.priority,
    replicas: p.replicas,
    port: p.port,
    user: p.user,
    limits: p.limits,
    watch: p.watch,
    cronRestart: p.cron_restart,
    instanceVars: p.instance_vars,
    log: p.log,
    disabled: p.disabled,
    adopt: p.adopt,
    ipc: p.ipc,
  };
}

function toProcessInput(name: string, p: CanonicalProcess): ProcessInput {
  const path = ['processes', name];
  return { name, namePath: path, nameIsKey: true, ...processFields(p, path), command: p.command };
}

/** The keys an overlay sets replace the process's; `env` maps are merged (the overlay's win). */
function overlaid(base: ProcessInput, fields: ProcessFields): ProcessInput {
  const set = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  const env = fields.env === undefined ? base.env : { ...base.env, ...fields.env };
  return { ...base, ...set, env };
}

export interface EnvironmentChoice {
  name: string;
  at: Locator;
}

export function canonicalToInput(
  data: CanonicalProject,
  fileEnv: Record<string, string>,
  keyOrder: readonly string[],
  environment?: EnvironmentChoice,
): ProjectInput {
  let processes = inSourceOrder(data.processes, keyOrder).map(([name, process]) =>
    toProcessInput(name, process),
  );
  const overlay = environment && data.environments?.[environment.name];
  if (environment && overlay?.processes) {
    const issues: ConfigIssue[] = [];
    const names = processes.map((p) => p.name);
    for (const [name, fields] of Object.entries(overlay.processes)) {
      const path = ['environments', environment.name, 'processes', name];
      if (!names.includes(name)) {
        issues.push(
          environment.at(path, `unknown process '${name}'${didYouMean(name, names)}`, { key: true }),
        );
      }
      processes = processes.map((p) => (p.name === name ? overlaid(p, processFields(fields, path)) : p));
    }
    if (issues.length > 0) throw new ConfigError(issues);
  }
  return {
    name: data.name,
    fileEnv,
    env: overlay?.env === undefined ? data.env : { ...data.env, ...overlay.env },
    settings: data.settings,
    plugins: data.plugins,
    ...(data.exit === undefined ? {} : { exit: data.exit }),
    processes,
    processesPath: ['processes'],
  };
}
