import { constants } from 'node:os';
import { z } from 'zod';
import { errorMessage } from '../errors.js';
import type { EnvDialect } from './env.js';
import type { CommandInput, DependencyInput, EnvFileInput } from './input.js';
import { lazyPackage } from './lazy-package.js';
import type { DependencyCondition } from './spec.js';
import { didYouMean } from './suggest.js';
import { resolveUser } from './user.js';
import { userPatternProblem } from './user-pattern.js';
import type { Path } from './yaml-source.js';

/** Loaded by the first `cron_restart` to check. */
const croner = lazyPackage<typeof import('croner')>('croner');

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a map';
  return String(value);
}

/** An enum whose error lists the choices and suggests the closest one. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => {
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, values) : '';
      return `expected one of ${values.join(', ')}, got ${show(issue.input)}${hint}`;
    },
  });
}

export const NAME_RE = /^[A-Za-z0-9_-]+$/;
/** Target keywords (`ovrseer stop all`): a process by that name could never be named alone. */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['all']);
/**
 * Names are ASCII, so characters are bytes. The longest file named after a process is a log being
 * compressed, `<name>.log.tmp-<pid>-<n>` (up to 36 bytes past the name); 200 leaves room under the
 * 255-byte limit of a file name.
 */
export const MAX_NAME_LENGTH = 200;
export const NAME_RULE =
  'names may only use letters, digits, "_" and "-": "." separates a replica number (web.2) and ":" starts a selector (group:web)';

export function intSchema(min: number, max?: number) {
  const int = z.number().int('expected a whole number, not a fraction').min(min);
  return max === undefined ? int : int.max(max);
}

export const stringList = z
  .union([z.string(), z.array(z.string())], { error: 'expected a string or a list of strings' })
  .transform((value) => (typeof value === 'string' ? [value] : value));

/** The `format:` of an env file: whose rules read it (`raw`: compose's name for `compose-raw`). */
export const ENV_FILE_FORMATS = [
  'ovrseer',
  'foreman',
  'honcho',
  'compose',
  'compose-raw',
  'raw',
  'godotenv',
] as const;

export interface EnvFileEntry {
  path: string;
  required?: boolean;
  dialect?: EnvDialect;
  interpolationOnly?: boolean;
}

const envFileEntry = z
  .strictObject({
    path: z.string().min(1, 'name the env file: path: .env'),
    required: z.boolean().optional(),
    format: oneOf(ENV_FILE_FORMATS).optional(),
    /** Project level only: for `${VAR}` in the config, not for the processes (compose's `.env`). */
    interpolation_only: z.boolean().optional(),
  })
  .transform(({ path, required, format, interpolation_only }): EnvFileEntry => {
    const dialect = format === 'raw' ? 'compose-raw' : format;
    return {
      path,
      ...(required === undefined ? {} : { required }),
      ...(dialect === undefined ? {} : { dialect }),
      ...(interpolation_only ? { interpolationOnly: true } : {}),
    };
  });

/**
 * `env_file: .env`, a list, or entries `{path, required: true, format: foreman}` (as compose writes them):
 * `required` makes a missing file an error, `format` reads it by another tool's rules.
 */
export const envFileList = z
  .union([z.string(), envFileEntry, z.array(z.union([z.string(), envFileEntry]))], {
    error: 'expected an env file name, {path, required, format}, or a list of them',
  })
  .transform((value) =>
    (Array.isArray(value) ? value : [value]).map(
      (entry): EnvFileEntry => (typeof entry === 'string' ? { path: entry } : entry),
    ),
  );

export function envFileInput(entry: EnvFileEntry, path: Path): EnvFileInput {
  return {
    name: entry.path,
    path,
    ...(entry.required === undefined ? {} : { required: entry.required }),
    ...(entry.dialect === undefined ? {} : { dialect: entry.dialect }),
  };
}

/**
 * A group or tag name is one word: targets are written `group:web` / `tag:backend`, and lists of them are
 * separated by commas (`logs --names`), so a space or comma would make it impossible to name.
 */
export const labelSchema = z.string().regex(/^[^\s,]+$/, {
  error: (issue) => {
    const got = show(issue.input);
    if (typeof issue.input === 'string' && issue.input.includes(','))
      return `expected one name per group or tag, got ${got}: write several tags as a list, e.g. [backend, critical]`;
    return `expected a group or tag name without spaces or commas (targets are written group:web, tag:backend), got ${got}`;
  },
});

/** `tags: backend` is one tag; `tags: [backend, critical]` several. */
export const tagsSchema = z
  .union([labelSchema, z.array(labelSchema)], {
    error: 'expected a tag or a list of tags, e.g. [backend, critical]',
  })
  .transform((value) => (typeof value === 'string' ? [value] : value));

export const commandSchema = z
  .union(
    [
      z.string().trim().min(1, 'the command is empty'),
      z.array(z.string()).min(1, 'the command list is empty'),
    ],
    {
      error:
        'expected a command: a string (run by the shell) or a list of program and arguments (run directly)',
    },
  )
  .transform(
    (value): CommandInput =>
      typeof value === 'string' ? { kind: 'shell', script: value } : { kind: 'argv', argv: value },
  );

/** Env values may be written as numbers or booleans; a process only ever sees strings. `null` is empty. */
export const envMapSchema = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean(), z.null()], {
      error: 'expected a string, number or boolean',
    }),
  )
  .transform((env) =>
    Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)])),
  );

export const signalSchema = z.string().transform((value, ctx) => {
  const upper = value.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (!(name in constants.signals)) {
    const hint = didYouMean(name, Object.keys(constants.signals));
    ctx.addIssue({ code: 'custom', message: `unknown signal ${JSON.stringify(value)}${hint}`, input: value });
    return z.NEVER;
  }
  return name as NodeJS.Signals;
});

export const cronSchema = z.string().superRefine((value, ctx) => {
  try {
    new (croner().Cron)(value, { paused: true }).stop();
  } catch (error) {
    const reason = errorMessage(error).replace(/^CronPattern: /, '');
    ctx.addIssue({
      code: 'custom',
      message: `invalid cron expression ${JSON.stringify(value)}: ${reason}`,
      input: value,
    });
  }
});

/**
 * A regular expression source as RE2 takes it (see user-pattern.ts), checked here so a typo — or a
 * backreference RE2 cannot run — is a config error with its location, not a failure later.
 */
export const regexSchema = z.string().superRefine((value, ctx) => {
  const problem = userPatternProblem(value);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem, input: value });
});

export const userSchema = z
  .union([z.string(), z.number().int().min(0)], {
    error: 'expected a user: "name", "uid", "uid:gid" or "name:group"',
  })
  .transform((value, ctx) => {
    const result = resolveUser(value);
    if (result.ok) return result.value;
    ctx.addIssue({ code: 'custom', message: result.message, input: value });
    return z.NEVER;
  });

export const portSchema = intSchema(1, 65535);

const CONDITIONS = ['started', 'ready', 'healthy', 'completed', 'completed_successfully'] as const;
export const conditionSchema = oneOf(CONDITIONS);

/** `segment`: where the entry sits under `depends_on` (`null`: `depends_on` is the name itself). */
export type DependencyEntry = Omit<DependencyInput, 'path'> & { segment: string | number | null };

/** `[db, cache]` (condition `ready`), `{db: {condition: healthy}}` or `{db: healthy}`. */
export const dependsOnSchema = z
  .union(
    [
      z.string(),
      z.array(z.string()),
      z.record(
        z.string(),
        z.union(
          [
            conditionSchema,
            z.strictObject({ condition: conditionSchema.optional(), restart: z.boolean().optional() }),
            z.null(),
          ],
          {
            error:
              'expected a condition (started, ready, healthy, completed, completed_successfully) or {condition: …}',
          },
        ),
      ),
    ],
    { error: 'expected a list of process names or a map of name: {condition: …}' },
  )
  .transform((value): DependencyEntry[] => {
    const ready: DependencyCondition = 'ready';
    if (typeof value === 'string') return [{ name: value, condition: ready, key: false, segment: null }];
    if (Array.isArray(value))
      return value.map((name, i) => ({ name, condition: ready, key: false, segment: i }));
    return Object.entries(value).map(([name, entry]) => ({
      name,
      condition: typeof entry === 'string' ? entry : (entry?.condition ?? ready),
      key: true,
      segment: name,
      ...(typeof entry === 'object' && entry?.restart === true ? { restart: true } : {}),
    }));
  });

/**
 * A record's entries in the order they were written (`keyOrder`, from the YAML map): a JS object moves
 * integer-like keys ("1", "2") to the front.
 */
export function inSourceOrder<T>(record: Record<string, T>, keyOrder: readonly string[]): Array<[string, T]> {
  const entries = Object.entries(record);
  // A map of positions, not `indexOf`: a sort calls `rank` n·log n times, and files can hold 50,000 keys.
  const positions = new Map(keyOrder.map((key, index) => [key, index]));
  const rank = (key: string) => positions.get(key) ?? keyOrder.length;
  return entries.sort(([a], [b]) => rank(a) - rank(b));
}
