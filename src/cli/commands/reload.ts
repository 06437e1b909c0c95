import type { ReloadOutcome } from '../../core/reload-apply.js';
import type { ReloadEntry } from '../../core/reload-plan.js';
import { createColors, shouldUseColor } from '../../terminal/format.js';
import { locateSupervisor } from '../locate.js';
import type { ControlOptions } from './control.js';

export interface ReloadCommandOptions extends ControlOptions {
  /** Print the plan, change nothing. @default false */
  dryRun?: boolean;
  /** The plan and the outcome as one JSON object (`ReloadOutcome`). @default false */
  json?: boolean;
}

/**
 * `ovrseer reload [--dry-run] [--json]`: the supervisor re-reads its config and applies only the
 * difference; this prints the plan, then what runs now. A file that does not validate changes
 * nothing: the supervisor's ConfigError (file:line:col) comes back, exit 2.
 */
export async function runReload(options: ReloadCommandOptions): Promise<number> {
  const client = await locateSupervisor(options);
  const outcome = await client.post<ReloadOutcome>('/v1/reload', { dryRun: options.dryRun === true });
  const out = options.out ?? process.stdout;
  out.write(
    options.json
      ? `${JSON.stringify(outcome)}\n`
      : renderReload(outcome, options.dryRun === true, shouldUseColor(out)),
  );
  return 0;
}

/** The plan as an aligned table (process, action, why), the settings left alone, then the result. */
export function renderReload(outcome: ReloadOutcome, dryRun: boolean, color: boolean): string {
  const c = createColors(color);
  const { plan } = outcome;
  const rows = plan.entries.map((entry) => [entry.name, entry.action, entry.reason]);
  const header = ['PROCESS', 'ACTION', 'WHY'];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const lines = [c.dim(line(header)), ...rows.map(line)];
  for (const key of plan.settings) lines.push(`setting ${key}: applied now`);
  if (plan.needsDownUp.length > 0)
    lines.push(c.yellow(`not applied, needs \`ovrseer down\` then \`up\`: ${plan.needsDownUp.join(', ')}`));
  if (dryRun) lines.push('dry run: nothing was changed');
  else if (!outcome.applied) lines.push('nothing to do: the running project matches the file');
  else {
    const count = (action: ReloadEntry['action']) => plan.entries.filter((e) => e.action === action).length;
    lines.push(
      `reloaded: ${count('add')} started, ${count('remove')} stopped, ${count('restart')} restarted, ${count('in-place')} updated in place, ${count('unchanged')} untouched`,
    );
    for (const { name, action, instances } of outcome.result) {
      if (action === 'remove') continue;
      const states = instances.map((i) => `${i.id} ${i.state}${i.pid === null ? '' : ` (pid ${i.pid})`}`);
      lines.push(`  ${name}: ${states.join(', ') || 'no instances'}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
