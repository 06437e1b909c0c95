import { renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { OvrseerError } from '../../errors.js';
import type { Snapshot } from '../../supervisor/snapshot/format.js';
import { readSnapshotFile } from '../../supervisor/snapshot/restore.js';
import { shouldUseColor } from '../../terminal/format.js';
import { renderSnapshot } from '../../terminal/snapshot-view.js';
import { type LocateOptions, locateSupervisor } from '../locate.js';

export interface SnapshotCommandOptions extends LocateOptions {
  /** `-o FILE`. @default `ovrseer-snapshot-<project>-<time>.json` in the current directory */
  output?: string;
  /** `--lines N`: newest log lines per instance. @default 200 */
  lines?: number;
  out?: NodeJS.WritableStream;
  now?: () => number;
}

/** The snapshot takes a moment with many processes and a large history: more than a `ps`. */
const SNAPSHOT_TIMEOUT_MS = 60_000;

/** `20261203T180512Z`: sortable, and no colon (not a valid character of a file name everywhere). */
function fileTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:]/g, '');
}

/** The default name: `ovrseer-snapshot-<project>-<time>.json`, the project's name made file-safe. */
export function defaultSnapshotName(project: string, ms: number): string {
  const safe = project.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return `ovrseer-snapshot-${safe}-${fileTime(ms)}.json`;
}

/** `ovrseer snapshot [-o FILE] [--lines N]`: asks the running supervisor and writes the file. */
export async function runSnapshot(options: SnapshotCommandOptions): Promise<number> {
  const client = await locateSupervisor(options);
  const query = options.lines === undefined ? '' : `?lines=${options.lines}`;
  const snapshot = await client.get<Snapshot>(`/v1/snapshot${query}`, SNAPSHOT_TIMEOUT_MS);
  const cwd = options.cwd ?? process.cwd();
  const file = resolve(
    cwd,
    options.output ?? defaultSnapshotName(snapshot.project.name, (options.now ?? Date.now)()),
  );
  // 0600 and whole or not at all: it holds the config's env values, and a reader must never see half.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(snapshot, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
  } catch (error) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `cannot write the snapshot to ${file}: ${(error as Error).message}; choose another file with -o`,
    );
  }
  const lines = Object.values(snapshot.logs.byInstance).reduce((sum, kept) => sum + kept.length, 0);
  (options.out ?? process.stdout).write(
    `wrote ${file}: ${snapshot.instances.length} instances, ${lines} log lines, ${snapshot.reports.summaries.length} crash reports\n`,
  );
  return 0;
}

/** `ovrseer snapshot show FILE [--json]`: renders a snapshot file; needs no supervisor. */
export function runSnapshotShow(
  file: string,
  options: {
    json?: boolean;
    cwd?: string;
    out?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  },
): number {
  const snapshot = readSnapshotFile(resolve(options.cwd ?? process.cwd(), file));
  const out = options.out ?? process.stdout;
  if (options.json) {
    out.write(`${JSON.stringify(snapshot)}\n`);
    return 0;
  }
  const width = out.isTTY === true ? (options.out?.columns ?? process.stdout.columns ?? 100) : Infinity;
  out.write(renderSnapshot(snapshot, { color: shouldUseColor(out), width }));
  return 0;
}
