/* The parts of a pm2 ecosystem file ovrseer translates; other keys are kept, to be listed. */
import { z } from 'zod';
import { cronSchema, envMapSchema, intSchema } from '../schema-common.js';
import { durationSchema } from '../units.js';
import { splitWords } from './source.js';

function build() {
  const words = z.union([
    z.string().transform(splitWords),
    z.array(z.union([z.string(), z.number()]).transform(String)),
  ]);
  const stringList = z.union([z.string().transform((s) => [s]), z.array(z.string())]);

  /** pm2 sizes (lib/tools/Config.js, `sbyte`): `150M`, `1G`, `300K`, or bytes. */
  const pm2Memory = z.union([z.number(), z.string()]).transform((value, ctx) => {
    const match = /^(\d+(?:\.\d+)?)([KMG])?$/.exec(String(value).trim());
    if (match === null) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a size such as "150M" or "1G" (K, M or G, as pm2 reads it), got ${JSON.stringify(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    const factor = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[(match[2] ?? '').toUpperCase()] ?? 1;
    return Math.round(Number(match[1]) * factor);
  });

  const appSchema = z.looseObject({
    name: z.string().min(1).optional(),
    script: z.string().min(1, 'the script is empty'),
    args: words.optional(),
    interpreter: z.string().min(1).optional(),
    exec_interpreter: z.string().min(1).optional(),
    interpreter_args: words.optional(),
    node_args: words.optional(),
    cwd: z.string().optional(),
    env: envMapSchema.optional(),
    instances: z.union([z.number().int(), z.string()]).optional(),
    exec_mode: z.string().optional(),
    autorestart: z.boolean().optional(),
    max_restarts: intSchema(0).optional(),
    min_uptime: durationSchema.optional(),
    restart_delay: durationSchema.optional(),
    exp_backoff_restart_delay: durationSchema.optional(),
    max_memory_restart: pm2Memory.optional(),
    watch: z.union([z.boolean(), stringList]).optional(),
    ignore_watch: stringList.optional(),
    watch_delay: durationSchema.optional(),
    // pm2: `cron_restart: 0` (or "0") turns it off.
    cron_restart: z.union([z.literal(0), z.literal('0'), cronSchema]).optional(),
    port: z.union([z.number().int(), z.string().regex(/^\d+$/)]).optional(),
    autostart: z.boolean().optional(),
    instance_var: z.string().min(1).optional(),
    increment_var: z.string().min(1).optional(),
    append_env_to_name: z.boolean().optional(),
    kill_timeout: durationSchema.optional(),
    stop_exit_codes: z
      .union([intSchema(0, 255).transform((c) => [c]), z.array(intSchema(0, 255))])
      .optional(),
    namespace: z.string().optional(),
  });

  /** `apps: [..]` or one app object. */
  const appsSchema = z.union([z.array(appSchema), appSchema]);
  return { appSchema, appsSchema };
}

let built: ReturnType<typeof build> | undefined;

/** The pm2 schemas. Built on first use: an ovrseer.yml never needs them, and building them is part of every start (docs/startup.md). */
export function pm2Schemas(): ReturnType<typeof build> {
  built ??= build();
  return built;
}

export type App = z.output<ReturnType<typeof build>['appSchema']>;
