import { OvrseerError } from '../../errors.js';
import type { ApiClient } from '../../supervisor/client.js';
import type { ProcessRow } from '../../supervisor/process-rows.js';
import { shouldUseColor } from '../../terminal/format.js';
import { renderProcessTable } from '../../terminal/process-table.js';
import { type LocateOptions, locateSupervisor, querySupervisor } from '../locate.js';

export interface ControlOptions extends LocateOptions {
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where progress notes go (what a stop waits for). @default process.stderr */
  err?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
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

/** `ovrseer start|stop|restart|pause|resume TARGET…`: prints the resulting table. */
export async function runAction(
  action: 'start' | 'stop' | 'restart' | 'pause' | 'resume',
  targets: string[],
  options: ControlOptions,
): Promise<number> {
  if (targets.length === 0)
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `name what to ${action}: a process, name.N, group:G, tag:T or all`,
    );
  const client = await locateSupervisor(options);
  const request = (): Promise<ProcessRow[]> => client.post(`/v1/actions/${action}`, { targets });
  // Starting (and pausing) says nothing while it waits (the table after it does); stopping can take a timeout.
  const quick = action === 'start' || action === 'pause' || action === 'resume';
  const rows = quick ? await request() : await waitSaying(request, client, 'stop', options);
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

/** Runs `work`, saying on stderr what the supervisor is waiting for once it takes over a second. */
export async function waitSaying<T>(
  work: () => Promise<T>,
  client: ApiClient,
  kind: 'stop' | 'down',
  options: ControlOptions,
): Promise<T> {
  const { WaitNotice } = await import('../stop-wait.js');
  const notice = new WaitNotice({
    out: options.err ?? process.stderr,
    kind,
    rows: async () => {
      try {
        return await client.get<ProcessRow[]>('/v1/processes');
      } catch (error) {
        if (error instanceof OvrseerError && error.code === 'OVRSEER_NOT_RUNNING') return null;
        throw error;
      }
    },
  });
  notice.start();
  try {
    return await work();
  } finally {
    await notice.stop();
  }
}
