import { z } from 'zod';
import { CRASH_LOOP_DEFAULTS } from './defaults.js';
import type { CommandInput, SettingsInput } from './input.js';
import { apiSchema } from './schema-api.js';
import {
  commandSchema,
  envFileList,
  envMapSchema,
  intSchema,
  oneOf,
  signalSchema,
  stringList,
} from './schema-common.js';
import { osLimitShape, osLimitsOf } from './schema-rlimits.js';
import type { ExitRuleSpec, RestartPolicyName, RestartSpec, WatchSpec } from './spec.js';
import { durationSchema, sizeSchema } from './units.js';

const POLICY_NAMES = ['no', 'never', 'always', 'on-failure', 'unless-stopped'] as const;

/** `never` is the pm2/prox spelling of `no`. */
export const policySchema = oneOf(POLICY_NAMES).transform(
  (value): RestartPolicyName => (value === 'never' ? 'no' : value),
);

const exitCodesSchema = z
  .union([intSchema(0, 255), z.array(intSchema(0, 255))], {
    error: 'expected an exit code (0-255) or a list of them',
  })
  .transform((value) => (Array.isArray(value) ? value : [value]));

function onlyOne(value: Record<string, unknown>, keys: readonly string[], ctx: z.RefinementCtx): void {
  const given = keys.filter((key) => value[key] !== undefined);
  if (given.length > 1) {
    const message = `${given.map((key) => `'${key}'`).join(' and ')} are aliases: give only one`;
    ctx.addIssue({ code: 'custom', message, path: [given[1] ?? ''], input: value });
  }
}

/** 0 would make every run a good one, and the retry limit would never apply. */
export function resetAfterSchema(key: string, retriesKey: string) {
  return durationSchema.refine((ms) => ms > 0, {
    error: `${key} must be longer than 0: it is how long a run must last to reset the ${retriesKey} count`,
  });
}

const restartObjectSchema = z
  .strictObject({
    policy: policySchema.optional(),
    mode: policySchema.optional(),
    type: policySchema.optional(),
    max_retries: intSchema(0).nullable().optional(),
    max_restarts: intSchema(0).nullable().optional(),
    delay: durationSchema.optional(),
    backoff: z.number().min(1, 'backoff is a multiplier: 1 keeps the delay constant').optional(),
    max_delay: durationSchema.optional(),
    min_uptime: durationSchema.optional(),
    reset_after: resetAfterSchema('reset_after', 'max_retries').optional(),
    exit_codes: exitCodesSchema.optional(),
    crash_loop: z
      .union([
        z.literal(false),
        z.strictObject({
          max_crashes: intSchema(1).optional(),
          window: durationSchema.optional(),
          /** Count every run shorter than this, whatever its exit (pm2's unstable restarts). */
          shorter_than: durationSchema.optional(),
          /** `first_start`: the window begins with the first run, as pm2's does. @default each_crash */
          window_from: oneOf(['each_crash', 'first_start']).optional(),
        }),
      ])
      .optional(),
  })
  .superRefine((value, ctx) => {
    onlyOne(value, ['policy', 'mode', 'type'], ctx);
    onlyOne(value, ['max_retries', 'max_restarts'], ctx);
  })
  .transform(
    (value): Partial<RestartSpec> => ({
      policy: value.policy ?? value.mode ?? value.type,
      maxRetries: value.max_retries !== undefined ? value.max_retries : value.max_restarts,
      delay: value.delay,
      backoff: value.backoff,
      maxDelay: value.max_delay,
      minUptime: value.min_uptime,
      resetAfter: value.reset_after,
      exitCodes: value.exit_codes,
      crashLoop:
        value.crash_loop === undefined
          ? undefined
          : value.crash_loop === false
            ? null
            : {
                maxCrashes: value.crash_loop.max_crashes ?? CRASH_LOOP_DEFAULTS.maxCrashes,
                window: value.crash_loop.window ?? CRASH_LOOP_DEFAULTS.window,
                ...(value.crash_loop.shorter_than === undefined
                  ? {}
                  : { shorterThan: value.crash_loop.shorter_than }),
                ...(value.crash_loop.window_from === 'first_start'
                  ? { windowFrom: 'first-start' as const }
                  : {}),
              },
    }),
  );

/** `restart: on-failure`, `restart: false` (as `no`), or the full object. */
export const restartSchema = z
  .union([policySchema, z.literal(false), restartObjectSchema], {
    error: `expected a restart policy (${POLICY_NAMES.join(', ')}) or {policy, max_retries, delay, …}`,
  })
  .transform((value): Partial<RestartSpec> => {
    if (value === false) return { policy: 'no' };
    return typeof value === 'string' ? { policy: value } : value;
  });

export const stopSchema = z
  .strictObject({
    signal: signalSchema.optional(),
    timeout: durationSchema.optional(),
    command: commandSchema.optional(),
    command_only: z.boolean().optional().meta({
      description:
        'With command: send no signal; the process has until timeout (from the start of the stop) to end, then SIGKILL. Default false: the signal follows the command.',
    }),
  })
  .superRefine((value, ctx) => {
    if (value.command_only === true && value.command === undefined)
      ctx.addIssue({ code: 'custom', path: ['command_only'], message: 'command_only needs stop.command' });
  })
  .transform(
    ({
      command_only,
      ...value
    }): { signal?: NodeJS.Signals; timeout?: number; command?: CommandInput; commandOnly?: boolean } => ({
      ...value,
      ...(command_only === undefined ? {} : { commandOnly: command_only }),
    }),
  );

/** `watch: true` watches the process's cwd; paths are resolved against it when normalized. */
export const watchSchema = z.union(
  [
    z.boolean(),
    z
      .strictObject({
        paths: stringList.optional(),
        ignore: stringList.optional(),
        debounce: durationSchema.optional(),
      })
      .transform((value): Partial<WatchSpec> => value),
  ],
  { error: 'expected true, false or {paths, ignore, debounce}' },
);

export const logSchema = z
  .union(
    [
      z.boolean(),
      z.strictObject({
        file: z.boolean().optional(),
        max_size: sizeSchema.optional(),
        keep: intSchema(0).optional(),
      }),
    ],
    { error: 'expected true, false or {file, max_size, keep}' },
  )
  .transform((value) =>
    typeof value === 'boolean'
      ? { file: value }
      : { file: value.file, maxSize: value.max_size, keep: value.keep },
  );

/** CPU is a percentage of one core (200 = two busy cores), as `ps --json` reports it. */
const cpuSchema = z
  .union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?%$/, 'expected a percentage such as "50%"')], {
    error: 'expected a CPU percentage such as 50 or "50%"',
  })
  .transform((value) => (typeof value === 'number' ? value : Number(value.slice(0, -1))));

export const limitsSchema = z
  .strictObject({
    memory: sizeSchema.nullable().optional(),
    cpu: cpuSchema.nullable().optional(),
    /** What a sustained CPU over `cpu` does: a warning event, or a restart through the restart policy. */
    cpu_action: z.enum(['warn', 'restart']).optional(),
    ...osLimitShape,
  })
  .transform((value) => ({
    memory: value.memory,
    cpu: value.cpu,
    cpuAction: value.cpu_action,
    os: osLimitsOf(value),
  }));

export const settingsSchema = z
  .strictObject({
    shutdown_timeout: durationSchema.optional(),
    state_dir: z.string().min(1).optional(),
    log_buffer_lines: intSchema(1).optional(),
    // Each tick reads /proc for every process tree: below 100ms the sampler itself becomes the load.
    metrics_interval: durationSchema
      .refine((ms) => ms >= 100, {
        error: 'metrics_interval must be at least 100ms (each tick reads /proc for every process)',
      })
      .optional(),
    limits: z
      .strictObject({
        max_processes: intSchema(1).optional(),
        max_crash_reports: intSchema(0).optional(),
        max_crash_report_size: sizeSchema.optional(),
      })
      .optional(),
    api: apiSchema.optional(),
    /** `snapshot: true`: each crash report embeds a bounded snapshot of the project. */
    reports: z.strictObject({ snapshot: z.boolean().optional() }).optional(),
  })
  .transform(
    (value): SettingsInput => ({
      shutdownTimeout: value.shutdown_timeout,
      stateDir: value.state_dir,
      logBufferLines: value.log_buffer_lines,
      metricsInterval: value.metrics_interval,
      limits: value.limits && {
        maxProcesses: value.limits.max_processes,
        maxCrashReports: value.limits.max_crash_reports,
        maxCrashReportSize: value.limits.max_crash_report_size,
      },
      api: value.api,
      reports: value.reports,
    }),
  );

const exitTrigger = oneOf(['end', 'failure', 'skipped']);

/**
 * `exit: {stop_on: {test: end, api: [failure]}, code_from: test, idle_code: 2}`: what of which process
 * ends a foreground `up`, and whose exit code it returns (or which code when nothing is left running) (what `ovrseer init` writes for foreman's, compose's
 * and process-compose's rules; the `--abort-on-*` flags add to it).
 */
export const exitSchema = z
  .strictObject({
    stop_on: z
      .record(z.string(), z.union([exitTrigger, z.array(exitTrigger)]), {
        error: 'expected {process: end | failure | skipped, or a list of them}',
      })
      .optional(),
    code_from: z.string().min(1).nullable().optional(),
    /** pm2-runtime's rule: this code when nothing is left running. */
    idle_code: intSchema(0, 255).optional(),
  })
  .transform(
    (value): ExitRuleSpec => ({
      stopOn: Object.fromEntries(
        Object.entries(value.stop_on ?? {}).map(([name, triggers]) => [
          name,
          typeof triggers === 'string' ? [triggers] : [...new Set(triggers)],
        ]),
      ),
      codeFrom: value.code_from ?? null,
      ...(value.idle_code === undefined ? {} : { idleCode: value.idle_code }),
    }),
  );

/** The project-level keys every format shares. */
export const projectShape = {
  version: z
    .union([z.literal(1), z.literal('1')], { error: 'expected version 1 (the only version so far)' })
    .optional(),
  name: z.string().trim().min(1, 'the project name is empty').optional(),
  env_file: envFileList.optional(),
  env: envMapSchema.optional(),
  /** Env files win over the shell environment (by default the shell wins, as with docker compose). */
  env_override: z.boolean().optional(),
  settings: settingsSchema.optional(),
  /** `[{module: webhook, options: {url}}, {module: ./my-plugin.js}]`: engine plugins, loaded at start. */
  plugins: z
    .array(
      z.strictObject({
        module: z.string().trim().min(1, 'name a plugin module: a path like ./my-plugin.js, or webhook'),
        options: z.record(z.string(), z.unknown()).optional(),
      }),
      { error: 'expected a list of {module, options}' },
    )
    .optional(),
  exit: exitSchema.optional(),
};
