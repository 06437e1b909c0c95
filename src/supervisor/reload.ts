/**
 * Live reload at the supervisor: re-reads the config the supervisor was started from (with the same
 * `-f`, `--env`, … it was loaded with), has the engine apply the difference, and writes the plan to
 * the supervisor's log. The detached supervisor never loads the config parser at start-up: it is
 * imported here, on the first reload only.
 */
import type { LoadOptions } from '../config/load.js';
import type { ProjectSpec } from '../config/spec.js';
import type { ReloadOutcome } from '../core/reload-apply.js';
import { OvrseerError, type OvrseerErrorCode } from '../errors.js';

/** How the config is read again: `loadProject` with these options, imported when first needed. */
export function configLoader(options: LoadOptions): () => Promise<ProjectSpec> {
  return async () => {
    // A computed specifier: the daemon's bundle keeps the parser out and imports dist/config/load.js
    // (and yaml, zod) only when a reload asks for it.
    const specifier = new URL('../config/load.js', import.meta.url).href;
    const { loadProject } = (await import(specifier)) as typeof import('../config/load.js');
    try {
      return loadProject(options);
    } catch (error) {
      throw sameRealm(error);
    }
  };
}

/**
 * The daemon's bundle has its own copy of errors.js: an error of the imported parser is not
 * `instanceof` its OvrseerError, and the API would answer 500 instead of the config error it is.
 */
function sameRealm(error: unknown): unknown {
  if (error instanceof OvrseerError || !(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('OVRSEER_')
    ? new OvrseerError(code as OvrseerErrorCode, error.message, { cause: error })
    : error;
}

/** The plan and what came of it, one line each, for the supervisor's log. */
export function describeReload(outcome: ReloadOutcome, dryRun: boolean): string[] {
  const { plan } = outcome;
  const changed = plan.entries.filter((entry) => entry.action !== 'unchanged');
  const lines: string[] = [];
  const verb = dryRun ? 'reload (dry run) would' : 'reload:';
  if (changed.length === 0 && plan.settings.length === 0 && plan.needsDownUp.length === 0)
    return [`${dryRun ? 'reload (dry run)' : 'reload'}: the config is unchanged`];
  for (const entry of changed) lines.push(`${verb} ${entry.action} ${entry.name} (${entry.reason})`);
  const unchanged = plan.entries.length - changed.length;
  if (unchanged > 0) lines.push(`${verb} leave ${unchanged} unchanged process(es) untouched`);
  for (const key of plan.settings) lines.push(`${verb} apply ${key}`);
  if (plan.needsDownUp.length > 0)
    lines.push(`reload: not applied, needs \`ovrseer down\` and \`up\`: ${plan.needsDownUp.join(', ')}`);
  return lines;
}
