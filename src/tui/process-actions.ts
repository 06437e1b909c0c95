import { errorMessage } from '../errors.js';
import type { ProcessRow } from '../supervisor/process-rows.js';
import type { Notice, TuiAction, TuiSource } from './source.js';
import { reloadLine, whyLine } from './why-line.js';

export type Notify = (level: Notice['level'], text: string) => void;

export interface ActionPlan {
  action: TuiAction;
  targets: string[];
  /** `restarting api`, for the status line. */
  doing: string;
}

/** States in which `s` starts the process instead of stopping it. */
const NOT_RUNNING = new Set(['stopped', 'completed', 'crashed', 'failed']);

/** The keys that act on the selected row. */
export type ActionKey = 'restart' | 'toggle' | 'restart-group' | 'pause-toggle';

/** What `r`, `s`, `R` and `p` do to a row. */
export function planAction(row: ProcessRow, what: ActionKey): ActionPlan | { warning: string } {
  if (what === 'restart') return { action: 'restart', targets: [row.name], doing: `restarting ${row.name}` };
  if (what === 'pause-toggle') {
    if (row.status === 'paused')
      return { action: 'resume', targets: [row.name], doing: `resuming ${row.name}` };
    if (row.status !== 'running' && row.status !== 'ready')
      return { warning: `${row.name} is ${row.status}: only a running or ready process can be paused` };
    return { action: 'pause', targets: [row.name], doing: `pausing ${row.name}` };
  }
  if (what === 'toggle') {
    return NOT_RUNNING.has(row.status)
      ? { action: 'start', targets: [row.name], doing: `starting ${row.name}` }
      : { action: 'stop', targets: [row.name], doing: `stopping ${row.name}` };
  }
  if (row.group === null) return { warning: `${row.name} is in no group (set \`group:\` in the config)` };
  return { action: 'restart', targets: [`group:${row.group}`], doing: `restarting group ${row.group}` };
}

/** Runs an action without blocking the UI; its outcome goes to the status line. */
export function runAction(source: TuiSource, notify: Notify, plan: ActionPlan): void {
  notify('info', `${plan.doing}…`);
  source.act(plan.action, plan.targets).then(
    () => notify('info', `${plan.doing}: done`),
    (error: unknown) => notify('error', `${plan.doing}: ${errorMessage(error)}`),
  );
}

/** `+`/`-`: one replica more or less of the row's process (never below 0). */
export function scaleProcess(source: TuiSource, notify: Notify, row: ProcessRow, by: 1 | -1): void {
  const current = source.rows().filter((candidate) => candidate.process === row.process).length;
  const replicas = Math.max(0, current + by);
  if (replicas === current) return;
  notify('info', `scaling ${row.process} to ${replicas}…`);
  source.scale(row.process, replicas).then(
    () => notify('info', `scaled ${row.process} to ${replicas}`),
    (error: unknown) => notify('error', `scale ${row.process}: ${errorMessage(error)}`),
  );
}

/** `w`: one line of `ovrseer why` for the selected instance on the status line. */
export function explainRow(source: TuiSource, notify: Notify, id: string, now: () => number): void {
  if (source.why === undefined) {
    notify('warn', 'this supervisor cannot say why');
    return;
  }
  source.why(id).then(
    (answer) =>
      notify(answer.firstCause !== null && !answer.waiting ? 'warn' : 'info', whyLine(answer, now())),
    (error: unknown) => notify('error', `why ${id}: ${errorMessage(error)}`),
  );
}

/** `L`: `ovrseer reload`, its outcome counted on the status line (a bad file: the config error). */
export function reloadConfig(source: TuiSource, notify: Notify): void {
  if (source.reload === undefined) {
    notify('warn', 'this supervisor cannot reload its config');
    return;
  }
  notify('info', 'reloading the config…');
  source.reload().then(
    (outcome) => notify('info', reloadLine(outcome)),
    (error: unknown) => notify('error', `reload refused, nothing changed: ${errorMessage(error)}`),
  );
}
