import { constants } from 'node:os';
import { z } from 'zod';
import type { CommandInput, ProbeInput } from '../input.js';
import { intSchema } from '../schema-common.js';
import { composeEnvSchema } from './compose-schema.js';

const seconds = intSchema(0).transform((s) => s * 1000);

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
export type PcProbe = z.output<typeof probeSchema>;

/** process-compose's defaults: a check every 10 s, 1 s to answer, 3 failures. */
export const PC_PROBE_DEFAULTS = { period: 10_000, timeout: 1_000, failures: 3 } as const;

export function probeOf(probe: PcProbe): ProbeInput | null {
  if (probe.exec) {
    const command: CommandInput = { kind: 'shell', script: probe.exec.command };
    return { kind: 'exec', command };
  }
  const http = probe.http_get;
  if (http === undefined) return null;
  const port = http.port === undefined || http.port === '' ? '' : `:${http.port}`;
  const status =
    http.status_code === undefined
      ? { min: 200, max: 200 }
      : { min: http.status_code, max: http.status_code };
  return {
    kind: 'http',
    url: `${http.scheme ?? 'http'}://${http.host ?? '127.0.0.1'}${port}${http.path ?? '/'}`,
    method: 'GET',
    headers: {},
    status,
  };
}

/** `15` or `"SIGTERM"` → a signal name. */
export const pcSignalSchema = z.union([z.number().int(), z.string()]).transform((value, ctx) => {
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

const CONDITIONS = [
  'process_started',
  'process_healthy',
  'process_completed',
  'process_completed_successfully',
  'process_log_ready',
] as const;

export const pcProcessSchema = z.looseObject({
  command: z.string().optional(),
  entrypoint: z.array(z.string()).optional(),
  working_dir: z.string().optional(),
  environment: composeEnvSchema.optional(),
  depends_on: z.record(z.string(), z.looseObject({ condition: z.enum(CONDITIONS).optional() })).optional(),
  availability: z
    .looseObject({
      restart: z.enum(['no', 'always', 'on_failure', 'on-failure', 'exit_on_failure']).optional(),
      backoff_seconds: seconds.optional(),
      max_restarts: intSchema(0).optional(),
      exit_on_end: z.boolean().optional(),
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
  namespace: z.string().optional(),
});
export type PcProcess = z.output<typeof pcProcessSchema>;

export const pcProjectSchema = z.looseObject({
  environment: composeEnvSchema.optional(),
  processes: z.record(z.string(), pcProcessSchema, {
    error: 'expected a map of processes (name: {command: …})',
  }),
});
