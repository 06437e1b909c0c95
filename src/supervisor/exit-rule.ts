import { constants } from 'node:os';
import type { ExitRuleSpec, ExitTrigger, ProjectSpec } from '../config/spec.js';
import { didYouMean } from '../config/suggest.js';
import type { StateChangeEvent } from '../core/events.js';
import { OvrseerError } from '../errors.js';

/** The `up` flags that end a run on their own: compose's names are accepted as aliases. */
export interface ExitFlags {
  /** `--abort-on-exit` (`--abort-on-container-exit`): any main process that ends stops everything. */
  abortOnExit?: boolean;
  /** `--abort-on-failure` (`--abort-on-container-failure`): any main process that fails does. */
  abortOnFailure?: boolean;
  /** `--exit-code-from NAME`: the exit code is NAME's; implies `--abort-on-exit`, as in compose. */
  exitCodeFrom?: string;
}

/**
 * The rule a foreground `up` follows: the config's own (an importer's: foreman, compose,
 * process-compose) with the flags added on top. `null` when nothing but an idle project ends the run.
 */
export function resolveExitRule(spec: ProjectSpec, flags: ExitFlags): ExitRuleSpec | null {
  const names = spec.processes.map((p) => p.name);
  if (flags.exitCodeFrom !== undefined && !names.includes(flags.exitCodeFrom)) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `--exit-code-from ${flags.exitCodeFrom}: no process named '${flags.exitCodeFrom}'${didYouMean(flags.exitCodeFrom, names)} (processes: ${names.join(', ')})`,
    );
  }
  const flagTriggers: ExitTrigger[] = [];
  if (flags.abortOnExit || flags.exitCodeFrom !== undefined) flagTriggers.push('end');
  if (flags.abortOnFailure) flagTriggers.push('failure');
  if (flagTriggers.length === 0) return spec.exit ?? null;
  const stopOn: Record<string, ExitTrigger[]> = {};
  for (const [name, triggers] of Object.entries(spec.exit?.stopOn ?? {})) stopOn[name] = [...triggers];
  for (const process of spec.processes) {
    if (process.type !== 'service' && process.type !== 'task') continue;
    stopOn[process.name] = [...new Set([...(stopOn[process.name] ?? []), ...flagTriggers])];
  }
  const flagNames = [
    flags.abortOnExit ? '--abort-on-exit' : null,
    flags.abortOnFailure ? '--abort-on-failure' : null,
    flags.exitCodeFrom === undefined ? null : `--exit-code-from ${flags.exitCodeFrom}`,
  ].filter((name) => name !== null);
  return {
    stopOn,
    codeFrom: flags.exitCodeFrom ?? spec.exit?.codeFrom ?? null,
    ...(spec.exit?.idleCode === undefined ? {} : { idleCode: spec.exit.idleCode }),
    source: flagNames.join(', '),
  };
}

/** The shell's convention: a process killed by a signal "exited" with 128 + its number. */
export function codeOfExit(exitCode: number | null, signal: NodeJS.Signals | null): number {
  if (exitCode !== null) return exitCode;
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  return 1;
}

export interface ExitTriggered {
  process: string;
  trigger: ExitTrigger;
  /** What the process did, for the message: `exited with code 3`, `was skipped`. */
  what: string;
  code: number;
}

/** Which trigger a state change is: a never-started process that fails was skipped (a dependency failed). */
function triggerOf(event: StateChangeEvent): { trigger: ExitTrigger; failed: boolean } | null {
  if (event.from === 'pending' && event.to === 'failed') return { trigger: 'skipped', failed: true };
  if (event.to === 'completed') return { trigger: 'end', failed: false };
  if (event.to === 'crashed' || event.to === 'failed') return { trigger: 'end', failed: true };
  return null;
}

/**
 * Follows state changes against a rule: says when one of them ends the run, and keeps the last exit
 * code of `codeFrom` (also when it is stopped at shutdown: compose then returns its 143).
 */
export class ExitWatch {
  private lastCodeFrom: number | null = null;

  constructor(private readonly rule: ExitRuleSpec) {}

  /** A state change; returns what ends the run, or `null`. */
  observe(event: StateChangeEvent): ExitTriggered | null {
    if (
      event.name === this.rule.codeFrom &&
      ['completed', 'crashed', 'failed', 'stopped'].includes(event.to)
    ) {
      if (event.to === 'completed') this.lastCodeFrom = 0;
      else if (event.to !== 'stopped' || event.exitCode !== null || event.signal !== null)
        this.lastCodeFrom = codeOfExit(event.exitCode, event.signal);
    }
    const seen = triggerOf(event);
    if (seen === null) return null;
    const wanted = this.rule.stopOn[event.name] ?? [];
    const matches =
      (seen.trigger === 'skipped' && wanted.includes('skipped')) ||
      (seen.trigger === 'end' && wanted.includes('end')) ||
      (seen.trigger === 'end' && seen.failed && wanted.includes('failure'));
    if (!matches) return null;
    const code = seen.trigger === 'skipped' ? 1 : seen.failed ? codeOfExit(event.exitCode, event.signal) : 0;
    const what =
      seen.trigger === 'skipped'
        ? `was not started (${event.reason})`
        : event.signal !== null
          ? `was killed by ${event.signal}`
          : `exited with code ${code === 0 ? 0 : code}`;
    return {
      process: event.process,
      trigger: seen.trigger === 'end' && seen.failed ? 'failure' : seen.trigger,
      what,
      code: seen.failed && code === 0 ? 1 : code,
    };
  }

  /** The exit code of the run when the rule names a process to take it from, else `null`. */
  codeFromProcess(): number | null {
    if (this.rule.codeFrom === null) return null;
    return this.lastCodeFrom ?? 0;
  }
}
