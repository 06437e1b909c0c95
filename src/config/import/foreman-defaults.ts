import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { issueAt, parseYaml, toPlain } from '../yaml-source.js';
import { zodIssues } from '../zod-issues.js';

/** foreman's `-t` default: seconds a process has between SIGTERM and SIGKILL. */
export const FOREMAN_STOP_TIMEOUT_MS = 5000;

/** What foreman's `.foreman` file gives a `foreman start` run from its folder (`cli.rb#options`). */
export interface ForemanDefaults {
  /** `procfile`: the Procfile to run when none is named. */
  procfile?: string;
  port?: number;
  formation?: string;
  /** `env`: comma-separated env files, which replace `.env` as `-e` does. */
  envFiles?: string[];
  /** `timeout` in ms: SIGTERM to SIGKILL. */
  stopTimeout?: number;
}

const word = z.union([z.string(), z.number()]).transform(String);

// Thor turns the file's keys into option defaults: these are `foreman start`'s options. `color` and
// `timestamp` change only how foreman prints, which ovrseer does its own way.
const foremanSchema = z.strictObject({
  procfile: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  formation: word.optional(),
  concurrency: word.optional(),
  env: z.string().min(1).optional(),
  timeout: z.number().positive().optional(),
  color: z.boolean().optional(),
  timestamp: z.boolean().optional(),
  root: z
    .string()
    .optional()
    .refine((root) => root === undefined, {
      error:
        'root (foreman -d) is not supported: the processes run in the Procfile’s folder; move the Procfile there',
    }),
});

/** `.foreman` in `cwd` (where foreman reads it), or `null` when there is none. */
export function readForemanDefaults(cwd: string): ForemanDefaults | null {
  const path = resolve(cwd, '.foreman');
  if (!existsSync(path)) return null;
  const src = parseYaml(readFileSync(path, 'utf8'), '.foreman');
  const data = toPlain(src) ?? {};
  const parsed = foremanSchema.safeParse(data);
  if (!parsed.success) {
    throw new ConfigError(
      zodIssues(parsed.error, foremanSchema, (at, message, options) => issueAt(src, at, message, options)),
    );
  }
  const { procfile, port, formation, concurrency, env, timeout } = parsed.data;
  const counts = formation ?? concurrency;
  return {
    ...(procfile === undefined ? {} : { procfile }),
    ...(port === undefined ? {} : { port }),
    ...(counts === undefined ? {} : { formation: counts }),
    ...(env === undefined ? {} : { envFiles: env.split(',').filter((name) => name !== '') }),
    ...(timeout === undefined ? {} : { stopTimeout: Math.round(timeout * 1000) }),
  };
}
