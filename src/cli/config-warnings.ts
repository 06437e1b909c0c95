import type { ProjectSpec } from '../config/spec.js';
import { osLimitWarnings } from '../core/os-limits.js';
import { formatConfigIssue } from '../errors.js';

/**
 * What the config does that is allowed but worth a word, on stderr: `validate` and `up` both print it,
 * so neither is quieter than the other about the same file.
 */
export function printConfigWarnings(spec: ProjectSpec, out: NodeJS.WritableStream = process.stderr): void {
  for (const warning of spec.warnings ?? []) out.write(`ovrseer: warning: ${formatConfigIssue(warning)}\n`);
  const file = spec.file ?? 'the config';
  for (const warning of osLimitWarnings(spec.processes)) out.write(`ovrseer: warning: ${file}: ${warning}\n`);
}
