import { OvrseerError } from '../../errors.js';
import type { ProcessRow } from '../../supervisor/process-rows.js';
import { shouldUseColor } from '../../terminal/format.js';
import { renderProcessTable } from '../../terminal/process-table.js';
import { type LocateOptions, locateSupervisor, querySupervisor } from '../locate.js';

export interface ControlOptions extends LocateOptions {
  out?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** `ovrseer ps [--json]`. */
export async function runPs(options: ControlOptions & { json?: boolean }): Promise<number> {
  const { answer: rows } = await querySupervisor(options, (client) =>
    client.get<ProcessRow[]>('/v1/processes'),
  );
  const out = options.out ?? process.stdout;
  out.write(
    options.json ? `${JSON.stringify(rows)}\n` : renderProcessTable(rows, { color: shouldUseColor(out) }),
  );
  return 0;
}

/** `ovrseer start|stop|restart TARGET…`: prints the resulting table. */
export async function runAction(
  action: 'start' | 'stop' | 'restart',
  targets: string[],
  options: ControlOptions,
): Promise<number> {
  if (targets.length === 0)
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `name what to ${action}: a process, name.N, group:G, tag:T or all`,
    );
  const client = await locateSupervisor(options);
  const rows = await client.post<ProcessRow[]>(`/v1/actions/${action}`, { targets });
  const out = options.out ?? process.stdout;
  out.write(renderProcessTable(rows, { color: shouldUseColor(out) }));
  return 0;
}

/** `ovrseer scale NAME=N…`. */
export async function runScale(assignments: string[], options: ControlOptions): Promise<number> {
  if (assignments.length === 0)
    throw new OvrseerError('OVRSEER_USAGE', 'usage: ovrseer scale NAME=N… (e.g. scale worker=3)');
  const parsed = assignments.map((assignment) => {
    const match = /^([A-Za-z0-9_-]+)=(\d+)$/.exec(assignment);
    if (match === null)
      throw new OvrseerError('OVRSEER_USAGE', `"${assignment}": expected NAME=N, e.g. worker=3`);
    return { name: match[1] as string, replicas: Number(match[2]) };
  });
  const client = await locateSupervisor(options);
  for (const { name, replicas } of parsed) await client.post(`/v1/processes/${name}/scale`, { replicas });
  const rows = await client.get<ProcessRow[]>('/v1/processes');
  const out = options.out ?? process.stdout;
  out.write(renderProcessTable(rows, { color: shouldUseColor(out) }));
  return 0;
}

/** `ovrseer down`: graceful shutdown (cleanup included); returns once the supervisor is gone. */
export async function runDown(options: ControlOptions & { timeout?: number }): Promise<number> {
  const client = await locateSupervisor(options);
  await client.post('/v1/shutdown');
  const deadline = Date.now() + (options.timeout ?? 120_000);
  while (await client.ping()) {
    if (Date.now() > deadline)
      throw new OvrseerError(
        'OVRSEER_API_FAILED',
        'the supervisor is still running after the shutdown timeout',
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  (options.out ?? process.stdout).write('stopped\n');
  return 0;
}
