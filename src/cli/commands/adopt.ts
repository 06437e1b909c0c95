import { OvrseerError } from '../../errors.js';
import type { ProcessRow } from '../../supervisor/process-rows.js';
import { shouldUseColor } from '../../terminal/format.js';
import { renderProcessTable } from '../../terminal/process-table.js';
import { locateSupervisor } from '../locate.js';
import type { ControlOptions } from './control.js';

/** `ovrseer adopt NAME --pid PID`: the running supervisor tracks a process it did not start. */
export async function runAdopt(name: string, options: ControlOptions & { pid: string }): Promise<number> {
  if (!/^\d+$/.test(options.pid)) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `--pid expects a process id (a whole number), got "${options.pid}"`,
    );
  }
  const client = await locateSupervisor(options);
  const rows = await client.post<ProcessRow[]>(`/v1/processes/${encodeURIComponent(name)}/adopt`, {
    pid: Number(options.pid),
  });
  const out = options.out ?? process.stdout;
  out.write(renderProcessTable(rows, { color: shouldUseColor(out) }));
  return 0;
}
