/*
 * The list form from the core package review (seed 000, section 3.4): camelCase keys, numbers are
 * milliseconds, `command` + `args` as for child_process.spawn, types dependency | main | cleanup.
 */

import { z } from 'zod';
import { shQuote } from '../shell-quote.js';
import type { CommandInput, ProcessInput, ProjectInput } from './input.js';
import { processTypeSchema } from './schema-canonical.js';
import { envMapSchema, intSchema, labelSchema, regexSchema, tagsSchema } from './schema-common.js';
import { policySchema, projectShape, resetAfterSchema } from './schema-policies.js';
import type { RestartSpec } from './spec.js';
import { durationSchema } from './units.js';
import { resolveUser } from './user.js';

const restartPolicySchema = z
  .strictObject({
    type: policySchema,
    maxRetries: intSchema(0).optional(),
    resetAfter: resetAfterSchema('resetAfter', 'maxRetries').optional(),
    codes: z.array(intSchema(0, 255)).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.codes !== undefined && value.type !== 'on-failure') {
      ctx.addIssue({
        code: 'custom',
        message: 'codes only applies to type on-failure',
        path: ['codes'],
        input: value,
      });
    }
    if (value.maxRetries !== undefined && (value.type === 'no' || value.type === 'unless-stopped')) {
      ctx.addIssue({
        code: 'custom',
        message: `maxRetries does not apply to type ${value.type}`,
        path: ['maxRetries'],
        input: value,
      });
    }
  });

const argSchema = z
  .union([z.string(), z.number()], { error: 'expected a string argument' })
  .transform(String);

export const listProcessSchema = z
  .strictObject({
    id: z.string().min(1, 'the id is empty'),
    type: processTypeSchema.optional(),
    command: z.string().trim().min(1, 'the command is empty'),
    args: z.array(argSchema).optional(),
    shell: z.union([z.boolean(), z.string().min(1)]).optional(),
    cwd: z.string().min(1).optional(),
    env: envMapSchema.optional(),
    uid: intSchema(0).optional(),
    gid: intSchema(0).optional(),
    readyChecks: z
      .array(z.strictObject({ logPattern: regexSchema, timeout: durationSchema.optional() }))
      .optional(),
    dependsOn: z.array(z.string()).optional(),
    restartPolicy: restartPolicySchema.optional(),
    restartDelay: durationSchema.optional(),
    backoffMultiplier: z
      .number()
      .min(1, 'backoffMultiplier is a multiplier: 1 keeps the delay constant')
      .optional(),
    group: labelSchema.optional(),
    tags: tagsSchema.optional(),
    priority: z.number().int().optional(),
  })
  .transform((value, ctx) => {
    if (value.gid !== undefined && value.uid === undefined) {
      ctx.addIssue({ code: 'custom', message: 'gid needs a uid', path: ['gid'], input: value.gid });
      return z.NEVER;
    }
    if (value.uid === undefined) return { ...value, user: undefined };
    const user = resolveUser(value.gid === undefined ? value.uid : `${value.uid}:${value.gid}`);
    if (user.ok) return { ...value, user: user.value };
    ctx.addIssue({ code: 'custom', message: user.message, path: ['uid'], input: value.uid });
    return z.NEVER;
  });

export const listProjectSchema = z.strictObject({
  ...projectShape,
  processes: z.array(listProcessSchema),
});

type ListProcess = z.output<typeof listProcessSchema>;

/**
 * spawn(command, args) semantics: with `args` (or `shell: false`) the command is exec'd directly; with
 * `shell` it runs in that shell; a lone command string runs in the shell like the canonical form's.
 */
function listCommand(p: ListProcess): { command: CommandInput; shell?: string } {
  const args = p.args ?? [];
  const shell = typeof p.shell === 'string' ? p.shell : undefined;
  if (p.shell === false || (p.shell === undefined && p.args !== undefined)) {
    return { command: { kind: 'argv', argv: [p.command, ...args] } };
  }
  return { command: { kind: 'shell', script: [p.command, ...args.map(shQuote)].join(' ') }, shell };
}

/** `codes` lists the exit codes that trigger a restart; the spec lists the ones that count as success. */
function restartFrom(p: ListProcess): Partial<RestartSpec> | undefined {
  const policy = p.restartPolicy;
  const restart: Partial<RestartSpec> = { delay: p.restartDelay, backoff: p.backoffMultiplier };
  if (policy === undefined) return restart;
  const codes = policy.codes;
  const exitCodes =
    codes && Array.from({ length: 256 }, (_, code) => code).filter((code) => !codes.includes(code));
  return {
    ...restart,
    policy: policy.type,
    maxRetries: policy.maxRetries,
    resetAfter: policy.resetAfter,
    exitCodes,
  };
}

function toProcessInput(p: ListProcess, index: number): ProcessInput {
  const path = ['processes', index];
  return {
    name: p.id,
    namePath: [...path, 'id'],
    nameIsKey: false,
    type: p.type,
    ...listCommand(p),
    cwd: p.cwd,
    env: p.env,
    dependsOn: p.dependsOn?.map((name, i) => ({
      name,
      condition: 'ready',
      path: [...path, 'dependsOn', i],
      key: false,
    })),
    ready: p.readyChecks?.map((check) => ({
      probe: { kind: 'log', pattern: check.logPattern, flags: '', notFoundMeansHealthy: false },
      timeout: check.timeout,
    })),
    restart: restartFrom(p),
    user: p.user,
    group: p.group,
    tags: p.tags,
    priority: p.priority,
  };
}

export function listToInput(
  data: z.output<typeof listProjectSchema>,
  fileEnv: Record<string, string>,
): ProjectInput {
  return {
    name: data.name,
    fileEnv,
    env: data.env,
    settings: data.settings,
    plugins: data.plugins,
    ...(data.exit === undefined ? {} : { exit: data.exit }),
    processes: data.processes.map(toProcessInput),
    processesPath: ['processes'],
  };
}
