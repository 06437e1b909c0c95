import { z } from 'zod';
import type { RlimitResource } from '../os/rlimits.js';
import { intSchema } from './schema-common.js';
import type { OsLimitSpec } from './spec.js';
import { sizeSchema } from './units.js';

/**
 * The OS resource limits `limits:` accepts beside `memory` and `cpu` (core package review 1.1,
 * ulimit integration): config key → `setrlimit` resource, and whether the value is a size in bytes.
 */
export const OS_LIMIT_KEYS = {
  nofile: { resource: 'nofile', size: false },
  nproc: { resource: 'nproc', size: false },
  core: { resource: 'core', size: true },
  cpu_seconds: { resource: 'cpu', size: false },
  stack: { resource: 'stack', size: true },
  memlock: { resource: 'memlock', size: true },
  fsize: { resource: 'fsize', size: true },
  data: { resource: 'data', size: true },
  address_space: { resource: 'as', size: true },
  rss: { resource: 'rss', size: true },
  locks: { resource: 'locks', size: false },
  sigpending: { resource: 'sigpending', size: false },
  msgqueue: { resource: 'msgqueue', size: true },
  nice: { resource: 'nice', size: false },
  rtprio: { resource: 'rtprio', size: false },
} as const satisfies Record<string, { resource: RlimitResource; size: boolean }>;

export type OsLimitKey = keyof typeof OS_LIMIT_KEYS;

function oneValue(size: boolean) {
  const amount = size ? sizeSchema : intSchema(0);
  return z.union([z.literal('unlimited'), amount], {
    error: size
      ? 'expected a size ("64MB", bytes) or "unlimited"'
      : 'expected a whole number >= 0 or "unlimited"',
  });
}

function limitValue(size: boolean) {
  const value = oneValue(size);
  return z
    .union([value, z.strictObject({ soft: value, hard: value })], {
      error: `expected ${size ? 'a size' : 'a number'}, "unlimited", or {soft, hard}`,
    })
    .transform((input) => {
      const unlimited = (one: number | 'unlimited'): number | null => (one === 'unlimited' ? null : one);
      return typeof input === 'object'
        ? { soft: unlimited(input.soft), hard: unlimited(input.hard) }
        : { soft: unlimited(input), hard: unlimited(input) };
    })
    .refine((pair) => pair.hard === null || (pair.soft !== null && pair.soft <= pair.hard), {
      error: 'the soft limit must not be above the hard limit',
    });
}

// One schema per kind, named, so that the JSON schema defines each once instead of 15 copies.
const countLimit = limitValue(false).meta({
  id: 'os_limit_count',
  description: 'a whole number, "unlimited", or {soft, hard}',
});
const sizeLimit = limitValue(true).meta({
  id: 'os_limit_size',
  description: 'a size ("64MB", bytes), "unlimited", or {soft, hard}',
});

/** The keys to spread into the `limits` object schema. */
export const osLimitShape = Object.fromEntries(
  Object.entries(OS_LIMIT_KEYS).map(([key, { size }]) => [key, (size ? sizeLimit : countLimit).optional()]),
) as { [K in OsLimitKey]: z.ZodOptional<ReturnType<typeof limitValue>> };

/** The parsed `limits` object's OS limits, in the order of `OS_LIMIT_KEYS`. */
export function osLimitsOf(
  value: Partial<Record<OsLimitKey, { soft: number | null; hard: number | null }>>,
): OsLimitSpec[] {
  return (Object.keys(OS_LIMIT_KEYS) as OsLimitKey[]).flatMap((key) => {
    const pair = value[key];
    return pair === undefined ? [] : [{ key, resource: OS_LIMIT_KEYS[key].resource, ...pair }];
  });
}
