/*
 * The parts of the compose specification ovrseer translates. Objects are loose: keys ovrseer does not
 * know are kept, to be listed as "not translated" rather than rejected.
 */
import { z } from 'zod';
import { intSchema } from '../schema-common.js';
import { durationTooLongMessage, MAX_DURATION_MS } from '../units.js';

const DURATION_PART_RE = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const DURATION_FACTORS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 1e-6,
};

/** Go durations as compose writes them: `30s`, `1m30s`, `500ms`. */
export const composeDurationSchema = z.string().transform((value, ctx) => {
  const text = value.trim();
  let total = 0;
  let consumed = '';
  for (const [part, amount = '', unit = ''] of text.matchAll(DURATION_PART_RE)) {
    total += Number(amount) * (DURATION_FACTORS[unit] ?? 0);
    consumed += part;
  }
  if (text === '' || consumed !== text) {
    const message = `expected a duration such as "30s", "1m30s" or "500ms", got ${JSON.stringify(value)}`;
    ctx.addIssue({ code: 'custom', message, input: value });
    return z.NEVER;
  }
  if (Math.round(total) > MAX_DURATION_MS) {
    ctx.addIssue({ code: 'custom', message: durationTooLongMessage(value), input: value });
    return z.NEVER;
  }
  return Math.round(total);
});

function build() {
  const MEMORY_FACTORS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

  /** Docker memory sizes: `512m`, `1g`, `1GB`, bytes. */
  const dockerMemorySchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
    const match = /^(\d+(?:\.\d+)?)\s*([bkmg])?b?$/i.exec(String(value).trim());
    if (match === null) {
      const message = `expected a memory size such as "512m" or "1g", got ${JSON.stringify(value)}`;
      ctx.addIssue({ code: 'custom', message, input: value });
      return z.NEVER;
    }
    const [, amount = '', unit = 'b'] = match;
    return Math.round(Number(amount) * (MEMORY_FACTORS[unit.toLowerCase()] ?? 1));
  });

  const commandLike = z.union([z.string(), z.array(z.union([z.string(), z.number()]).transform(String))], {
    error: 'expected a command: a string or a list of program and arguments',
  });

  const composeEnvSchema = z.union(
    [z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])), z.array(z.string())],
    { error: 'expected a map of variables or a list of KEY=VALUE' },
  );

  const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'] as const;

  const composeServiceSchema = z.looseObject({
    image: z.string().optional(),
    command: commandLike.nullable().optional(),
    entrypoint: commandLike.nullable().optional(),
    environment: composeEnvSchema.optional(),
    env_file: z
      .union([
        z.string(),
        z.array(
          z.union([
            z.string(),
            z.looseObject({
              path: z.string(),
              required: z.boolean().optional(),
              format: z
                .literal('raw', { error: 'the only env_file format compose knows is "raw"' })
                .optional(),
            }),
          ]),
        ),
      ])
      .optional(),
    depends_on: z
      .union([
        z.array(z.string()),
        z.record(
          z.string(),
          z.looseObject({
            condition: z.enum(CONDITIONS).optional(),
            restart: z.boolean().optional(),
            required: z.boolean().optional(),
          }),
        ),
      ])
      .optional(),
    healthcheck: z
      .looseObject({
        test: z.union([z.string(), z.array(z.string())]).optional(),
        interval: composeDurationSchema.optional(),
        timeout: composeDurationSchema.optional(),
        retries: intSchema(0).optional(),
        start_period: composeDurationSchema.optional(),
        start_interval: composeDurationSchema.optional(),
        disable: z.boolean().optional(),
      })
      .optional(),
    ports: z
      .array(
        z.union([
          z.string(),
          z.number(),
          z.looseObject({
            target: z.union([z.number(), z.string()]),
            published: z.union([z.number(), z.string()]).optional(),
            host_ip: z.string().optional(),
            protocol: z.string().optional(),
          }),
        ]),
      )
      .optional(),
    restart: z.string().optional(),
    scale: intSchema(0).optional(),
    deploy: z
      .looseObject({
        replicas: intSchema(0).optional(),
        restart_policy: z
          .looseObject({
            condition: z.enum(['none', 'on-failure', 'any']).optional(),
            delay: composeDurationSchema.optional(),
            max_attempts: intSchema(0).optional(),
          })
          .optional(),
        resources: z
          .looseObject({
            limits: z
              .looseObject({
                memory: dockerMemorySchema.optional(),
                cpus: z.union([z.number(), z.string()]).transform(Number).optional(),
              })
              .optional(),
          })
          .optional(),
      })
      .optional(),
    working_dir: z.string().optional(),
    user: z.union([z.string(), z.number()]).transform(String).optional(),
    container_name: z.string().optional(),
    stop_signal: z.string().optional(),
    stop_grace_period: composeDurationSchema.optional(),
    profiles: z.array(z.string()).optional(),
    volumes: z.array(z.union([z.string(), z.looseObject({})])).optional(),
  });

  const composeProjectSchema = z.looseObject({
    name: z.string().optional(),
    services: z.record(z.string(), composeServiceSchema, {
      error: 'expected a map of services (name: {image: …} or {command: …})',
    }),
  });
  return { dockerMemorySchema, composeEnvSchema, composeServiceSchema, composeProjectSchema };
}

let built: ReturnType<typeof build> | undefined;

/** The compose schemas. Built on first use: an ovrseer.yml never needs them, and building them is part of every start (docs/startup.md). */
export function composeSchemas(): ReturnType<typeof build> {
  built ??= build();
  return built;
}

export type ComposeService = z.output<ReturnType<typeof build>['composeServiceSchema']>;
