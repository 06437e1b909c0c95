import { z } from 'zod';
import type { ProcessInput, ProjectInput } from './input.js';
import {
  commandSchema,
  cronSchema,
  type DependencyEntry,
  dependsOnSchema,
  envMapSchema,
  inSourceOrder,
  intSchema,
  oneOf,
  portSchema,
  stringList,
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
import type { Path } from './yaml-source.js';

export const processTypeSchema = oneOf(['dependency', 'service', 'main', 'task', 'cleanup']).transform(
  (value): ProcessType => (value === 'main' ? 'service' : value),
);

export const canonicalProcessSchema = z.strictObject({
  type: processTypeSchema.optional(),
  command: commandSchema,
  shell: z.string().min(1).optional(),
  cwd: z.string().min(1).optional(),
  env_file: stringList.optional(),
  env: envMapSchema.optional(),
  depends_on: dependsOnSchema.optional(),
  ready: readySchema.optional(),
  health: healthSchema.nullable().optional(),
  restart: restartSchema.optional(),
  stop: stopSchema.optional(),
  group: z.string().min(1).nullable().optional(),
  tags: stringList.optional(),
  priority: z.number().int().optional(),
  replicas: intSchema(1).optional(),
  port: portSchema.nullable().optional(),
  user: userSchema.nullable().optional(),
  limits: limitsSchema.optional(),
  watch: watchSchema.optional(),
  cron_restart: cronSchema.nullable().optional(),
  log: logSchema.optional(),
  disabled: z.boolean().optional(),
});

/** The form `ovrseer schema` publishes and `ovrseer init` writes. */
export const canonicalProjectSchema = z.strictObject({
  ...projectShape,
  processes: z.record(z.string(), canonicalProcessSchema, {
    error: 'expected a map of processes (name: {command: …}) or a list of {id, command, …}',
  }),
});

export type CanonicalProject = z.output<typeof canonicalProjectSchema>;
type CanonicalProcess = z.output<typeof canonicalProcessSchema>;

export function dependencyInputs(entries: readonly DependencyEntry[], at: Path): ProcessInput['dependsOn'] {
  return entries.map(({ segment, ...entry }) => ({
    ...entry,
    path: segment === null ? at : [...at, segment],
  }));
}

function toProcessInput(name: string, p: CanonicalProcess): ProcessInput {
  const path = ['processes', name];
  return {
    name,
    namePath: path,
    nameIsKey: true,
    type: p.type,
    command: p.command,
    shell: p.shell,
    cwd: p.cwd,
    envFile: p.env_file?.map((file, i) => ({ name: file, path: [...path, 'env_file', i] })),
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
    log: p.log,
    disabled: p.disabled,
  };
}

export function canonicalToInput(
  data: CanonicalProject,
  fileEnv: Record<string, string>,
  keyOrder: readonly string[],
): ProjectInput {
  const processes = inSourceOrder(data.processes, keyOrder).map(([name, process]) =>
    toProcessInput(name, process),
  );
  return {
    name: data.name,
    fileEnv,
    env: data.env,
    settings: data.settings,
    processes,
    processesPath: ['processes'],
  };
}
