import { PROCESS_MARKER_VAR, PROJECT_ID_VAR } from '../core/kill.js';

/** Set by ovrseer for each instance (see core/launch.ts): part of what the config made, not inherited. */
const OVRSEER_SET = new Set(['PS', 'PORT', PROCESS_MARKER_VAR, PROJECT_ID_VAR]);

/**
 * A process's environment as a report keeps it: the variables its config set (`env`, `env_file`,
 * and ovrseer's own), with values; of the inherited ones (the shell's ~40 variables, where tokens
 * sit under names no pattern knows) only the names, sorted — enough to tell whether one was there.
 */
export function reportEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  configured: Readonly<Record<string, string>>,
): { env: Record<string, string | undefined>; inheritedEnv: string[] } {
  const kept: Record<string, string | undefined> = {};
  const inherited: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (Object.hasOwn(configured, key) || OVRSEER_SET.has(key)) kept[key] = value;
    else inherited.push(key);
  }
  return { env: kept, inheritedEnv: inherited.sort() };
}
