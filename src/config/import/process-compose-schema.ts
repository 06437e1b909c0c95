import { constants } from 'node:os';
import { z } from 'zod';
import { intSchema, stringList } from '../schema-common.js';
import { composeSchemas } from './compose-schema.js';

const CONDITIONS = [
  'process_started',
  'process_healthy',
  'process_completed',
  'process_completed_successfully',
  'process_log_ready',
] as const;
export type PcCondition = (typeof CONDITIONS)[number];

function build() {
  const { composeEnvSchema } = composeSchemas();
  const seconds = intSchema(0).transform((s) => s * 1000);
  /** `vars:` values are Go values: a template prints them with `%v`. */
  const varsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

  const probeSchema = z.looseObject({
    exec: z.looseObject({ command: z.string().min(1), working_dir: z.string().optional() }).optional(),
    http_get: z
      .looseObject({
        host: z.string().optional(),
        scheme: z.string().optional(),
        path: z.string().optional(),
        port: z.union([z.number(), z.string()]).optional(),
        status_code: z.number().int().optional(),
      })
      .optional(),
    initial_delay_seconds: seconds.optional(),
    period_seconds: seconds.optional(),
    timeout_seconds: seconds.optional(),
    success_threshold: intSchema(0).optional(),
    failure_threshold: intSchema(0).optional(),
  });

  /** `15` or `"SIGTERM"` → a signal name. */
  const pcSignalSchema = z.union([z.number().int(), z.string()]).transform((value, ctx) => {
    const names = Object.entries(constants.signals);
    const found =
      typeof value === 'number'
        ? names.find(([, n]) => n === value)?.[0]
        : names.find(([name]) => name === value.toUpperCase() || name === `SIG${value.toUpperCase()}`)?.[0];
    if (found === undefined) {
      ctx.addIssue({ code: 'custom', message: `unknown signal ${JSON.stringify(value)}`, input: value });
      return z.NEVER;
    }
    return found as NodeJS.Signals;
  });

  // process-compose knows these four (src/types/process.go); anything else never restarts there, so a
  // misspelling such as `on-failure` is refused rather than read as something it is not.
  const RESTARTS = ['no', 'always', 'on_failure', 'exit_on_failure'] as const;

  const pcProcessSchema = z.looseObject({
    command: z.string().optional(),
    entrypoint: z.array(z.string()).optional(),
    working_dir: z.string().optional(),
    environment: composeEnvSchema.optional(),
    env_file: stringList.optional(),
    vars: varsSchema.optional(),
    depends_on: z.record(z.string(), z.looseObject({ condition: z.enum(CONDITIONS).optional() })).optional(),
    availability: z
      .looseObject({
        restart: z.enum(RESTARTS).optional(),
        backoff_seconds: seconds.optional(),
        max_restarts: intSchema(0).optional(),
        exit_on_end: z.boolean().optional(),
        exit_on_skipped: z.boolean().optional(),
      })
      .optional(),
    readiness_probe: probeSchema.optional(),
    liveness_probe: probeSchema.optional(),
    ready_log_line: z.string().optional(),
    shutdown: z
      .looseObject({
        command: z.string().optional(),
        signal: pcSignalSchema.optional(),
        timeout_seconds: seconds.optional(),
        parent_only: z.boolean().optional(),
      })
      .optional(),
    replicas: intSchema(0).optional(),
    disabled: z.boolean().optional(),
    is_foreground: z.boolean().optional(),
    is_daemon: z.boolean().optional(),
    is_template_disabled: z.boolean().optional(),
    namespace: stringList.optional(),
    success_exit_codes: z.array(intSchema(0, 255)).optional(),
    description: z.string().optional(),
  });

  const pcProjectSchema = z.looseObject({
    version: z.union([z.string(), z.number()]).optional(),
    environment: composeEnvSchema.optional(),
    env_file: stringList.optional(),
    vars: varsSchema.optional(),
    env_cmds: z.record(z.string(), z.string()).optional(),
    shell: z
      .looseObject({ shell_command: z.string().min(1), shell_argument: z.string().optional() })
      .optional(),
    is_strict: z.boolean().optional(),
    ordered_shutdown: z.boolean().optional(),
    disable_env_expansion: z.boolean().optional(),
    processes: z.record(z.string(), pcProcessSchema, {
      error: 'expected a map of processes (name: {command: …})',
    }),
  });
  return { probeSchema, pcSignalSchema, pcProcessSchema, pcProjectSchema };
}

let built: ReturnType<typeof build> | undefined;

/** The process-compose schemas. Built on first use: an ovrseer.yml never needs them, and building them is part of every start (docs/startup.md). */
export function processComposeSchemas(): ReturnType<typeof build> {
  built ??= build();
  return built;
}

export type PcProbe = z.output<ReturnType<typeof build>['probeSchema']>;

export type PcProcess = z.output<ReturnType<typeof build>['pcProcessSchema']>;

export type PcProject = z.output<ReturnType<typeof build>['pcProjectSchema']>;
