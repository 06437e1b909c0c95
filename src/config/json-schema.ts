import { z } from 'zod';
import { canonicalProjectSchema } from './schema-canonical.js';

/**
 * JSON Schema (draft 2020-12) of the canonical `ovrseer.yml`, for `ovrseer schema` and editor
 * completion. It describes what a user writes (`"5s"`, aliases, shorthands), not the normalized spec.
 */
export function projectJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(canonicalProjectSchema, { io: 'input', unrepresentable: 'any' });
  return {
    ...schema,
    $id: 'https://ovrseer.dev/schema/ovrseer.json',
    title: 'ovrseer.yml',
    description: 'Processes for ovrseer to run: dependency order, readiness, restarts, logs.',
  };
}
