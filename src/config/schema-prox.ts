/*
 * The `services:` form from the prox recommendations (seed 003): `depends_on` lists, and `healthcheck:
 * {http_get, interval, timeout}`, which both gates dependents (readiness) and keeps watching (health).
 */
import { z } from 'zod';
import type { ProcessInput, ProjectInput } from './input.js';
import { commandSchema, envMapSchema, inSourceOrder, intSchema } from './schema-common.js';
import { projectShape, restartSchema } from './schema-policies.js';
import { httpProbeSchema } from './schema-probes.js';
import { durationSchema } from './units.js';

const healthcheckSchema = z.strictObject({
  http_get: httpProbeSchema,
  interval: durationSchema.optional(),
  timeout: durationSchema.optional(),
  retries: intSchema(1).optional(),
});

export const proxServiceSchema = z.strictObject({
  command: commandSchema,
  depends_on: z.array(z.string()).optional(),
  healthcheck: healthcheckSchema.optional(),
  cwd: z.string().min(1).optional(),
  env: envMapSchema.optional(),
  restart: restartSchema.optional(),
});

export const proxProjectSchema = z.strictObject({
  ...projectShape,
  services: z.record(z.string(), proxServiceSchema, {
    error: 'expected a map of services (name: {command: …})',
  }),
});

type ProxService = z.output<typeof proxServiceSchema>;

function toProcessInput(name: string, s: ProxService): ProcessInput {
  const path = ['services', name];
  const check = s.healthcheck;
  return {
    name,
    namePath: path,
    nameIsKey: true,
    command: s.command,
    cwd: s.cwd,
    env: s.env,
    restart: s.restart,
    dependsOn: s.depends_on?.map((dep, i) => ({
      name: dep,
      condition: 'ready',
      path: [...path, 'depends_on', i],
      key: false,
    })),
    // The healthcheck's `interval` (often 5s+) is its steady rhythm; waiting for readiness keeps the fast
    // default poll so dependents start as soon as the endpoint answers.
    ready: check && [{ probe: check.http_get }],
    health: check && {
      probe: check.http_get,
      interval: check.interval,
      timeout: check.timeout,
      retries: check.retries,
    },
  };
}

export function proxToInput(
  data: z.output<typeof proxProjectSchema>,
  fileEnv: Record<string, string>,
  keyOrder: readonly string[],
): ProjectInput {
  const processes = inSourceOrder(data.services, keyOrder).map(([name, service]) =>
    toProcessInput(name, service),
  );
  return {
    name: data.name,
    fileEnv,
    env: data.env,
    settings: data.settings,
    plugins: data.plugins,
    ...(data.exit === undefined ? {} : { exit: data.exit }),
    processes,
    processesPath: ['services'],
  };
}
