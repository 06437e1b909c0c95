import { RESTART_DEFAULTS } from '../config/defaults.js';
import type { ProcessSpec, ProjectSpec, RestartSpec } from '../config/spec.js';
import { sameValue } from './common.js';
import type { Notes } from './notes.js';

/**
 * Notes shared by the targets. A setting left at ovrseer's default is not listed: the list is about
 * what the user wrote; the README's table says how the defaults map.
 */

export function noteProject(notes: Notes, spec: ProjectSpec, target: string): void {
  for (const [i, plugin] of (spec.plugins ?? []).entries()) {
    notes.add(
      `plugins[${i}]`,
      `${plugin.module}: plugins run inside ovrseer's supervisor, not under ${target}`,
    );
  }
}

/** Development features and ovrseer's own selectors, which no target has. */
export function noteEngineOnly(notes: Notes, process: ProcessSpec, target: string): void {
  const { name } = process;
  if (process.watch !== null) notes.process(name, 'watch', `${target} does not restart on file changes`);
  if (process.cronRestart !== null)
    notes.process(name, 'cron_restart', `${target} has no scheduled restarts`);
  if (process.health !== null && process.health.onFailure === 'none') {
    notes.process(name, 'health.on_failure', `${target} has no health check that only reports`);
  }
}

export function noteSelectors(notes: Notes, process: ProcessSpec, target: string): void {
  const { name } = process;
  if (process.group !== null) notes.process(name, 'group', `${target} has no groups; select by name`);
  if (process.tags.length > 0) notes.process(name, 'tags', `${target} has no tags; select by name`);
  if (process.priority !== 0) {
    notes.process(name, 'priority', `${target} orders stops by dependencies only`);
  }
}

type RestartKey =
  | 'delay'
  | 'backoff'
  | 'max_delay'
  | 'min_uptime'
  | 'reset_after'
  | 'max_retries'
  | 'crash_loop';

const FIELDS: Record<RestartKey, keyof RestartSpec> = {
  delay: 'delay',
  backoff: 'backoff',
  max_delay: 'maxDelay',
  min_uptime: 'minUptime',
  reset_after: 'resetAfter',
  max_retries: 'maxRetries',
  crash_loop: 'crashLoop',
};

/** Restart settings a target cannot express, for a process that restarts at all. */
export function noteRestart(
  notes: Notes,
  process: ProcessSpec,
  reasons: Partial<Record<RestartKey, string>>,
): void {
  if (process.restart.policy === 'no') return;
  for (const [key, reason] of Object.entries(reasons) as [RestartKey, string][]) {
    const field = FIELDS[key];
    if (!sameValue(process.restart[field], RESTART_DEFAULTS[field])) {
      notes.process(process.name, `restart.${key}`, reason);
    }
  }
}
