import { z } from 'zod';
import { regexSchema } from './schema-common.js';
import type { AdoptSpec } from './spec.js';

/**
 * `adopt: {pidfile: run/app.pid}` or `adopt: {match: "regex over argv"}`: on `up`/`start`, take over
 * the running process instead of spawning one (docs/adopt.md). `command` is still required: a
 * restart, or a start with nothing to adopt, runs it.
 */
export const adoptSchema = z.union(
  [
    z.strictObject({ pidfile: z.string().min(1) }),
    z.strictObject({
      match: regexSchema.refine((value) => value !== '', {
        error: 'an empty regex would match every process',
      }),
    }),
  ],
  { error: 'expected {pidfile: PATH} or {match: "regex over the command line"}' },
);

export type AdoptInput = z.output<typeof adoptSchema>;

export function toAdoptSpec(input: AdoptInput, resolvePath: (path: string) => string): AdoptSpec {
  return 'pidfile' in input ? { pidfile: resolvePath(input.pidfile) } : { match: input.match };
}
