import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject } from '../../config/load.js';
import { parseDuration } from '../../config/units.js';
import { projectIdOf } from '../../core/project-id.js';
import { OvrseerError } from '../../errors.js';
import { EXIT_OK } from '../../exit-codes.js';
import { LogFollower } from '../../logs/file-follow.js';
import { queryLogFiles } from '../../logs/file-reader.js';
import { formatLogRecord } from '../../logs/format.js';
import { isLogLevel, LOG_LEVELS } from '../../logs/levels.js';
import { resolveLogTargets } from '../../logs/targets.js';
import type { LogEntry, LogQuery } from '../../logs/types.js';
import { statePaths } from '../../os/state-dir.js';
import { socketPathFor } from '../../supervisor/api/socket-path.js';
import { ApiClient } from '../../supervisor/client.js';
import type { ProcessRow } from '../../supervisor/process-rows.js';
import { shouldUseColor } from '../../terminal/format.js';
import { Printer } from '../../terminal/printer.js';
import { followLive } from './logs-live.js';

export interface LogsOptions {
  names: string[];
  file?: string;
  follow?: boolean;
  lines?: string;
  grep?: string;
  fixedStrings?: boolean;
  ignoreCase?: boolean;
  since?: string;
  until?: string;
  level?: string;
  json?: boolean;
  cwd?: string;
  stdout?: NodeJS.WriteStream;
  /** Ends `-f` (the CLI passes one that aborts on SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** With `follow`: read a running supervisor's live buffer instead of its files. @default true */
  live?: boolean;
  /** @default Date.now */
  now?: () => number;
}

/** Lines shown without `-n` when nothing narrows the selection. */
const DEFAULT_LINES = 100;

/**
 * `ovrseer logs`: the newest lines of the project's log files (rotated ones included), merged in time
 * order, filtered by name, text, time and level; `-f` keeps following them across rotations — or,
 * while a supervisor runs, follows its live buffer over the API.
 */
export async function runLogs(options: LogsOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const spec = loadProject({
    cwd: options.cwd ?? process.cwd(),
    ...(options.file === undefined ? {} : { file: options.file }),
  });
  const paths = statePaths(spec.settings.stateDir);
  const dir = paths.logs;
  const client = new ApiClient(socketPathFor(paths, projectIdOf(spec)));
  // A running supervisor decides which instances exist (after `scale web=3`, `web.3` does); the
  // config's replicas only without one.
  const live = await runningInstances(client);
  const now = options.now ?? Date.now;
  const followsLive = options.follow === true && options.live !== false && live !== null;
  const targets = followsLive
    ? null
    : resolveLogTargets(spec.processes, options.names, dir, live ?? undefined);
  const query = buildQuery(options, targets?.processes, now);
  const instances =
    live ??
    spec.processes.flatMap((process) =>
      process.replicas === 1
        ? [{ id: process.name, name: process.name }]
        : Array.from({ length: process.replicas }, (_, i) => ({
            id: `${process.name}.${i + 1}`,
            name: process.name,
          })),
    );
  const printer = new Printer({ out: stdout, color: shouldUseColor(stdout), instances });
  let endFollowing = (): void => undefined;
  const following = new Promise<void>((resolve) => {
    endFollowing = resolve;
  });
  // `ovrseer logs | head` closes the pipe early: that ends the command quietly, it is not a failure.
  const onOutputError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') process.stderr.write(`ovrseer: cannot write the logs: ${error.message}\n`);
    endFollowing();
  };
  stdout.on('error', onOutputError);
  const print = (entries: readonly LogEntry[]): void => {
    if (options.json) {
      stdout.write(entries.map(formatLogRecord).join(''));
      return;
    }
    for (const entry of entries) printer.log(entry);
  };

  if (targets === null) {
    try {
      await followLive(client, options.names, query, print, options.signal);
      await printer.flush();
      return EXIT_OK;
    } finally {
      stdout.off('error', onOutputError);
    }
  }
  const { limit: _limit, ...followQuery } = query;
  const follower = options.follow
    ? new LogFollower({
        dir,
        names: targets.names,
        query: followQuery,
        onEntries: print,
        onError: (error) => process.stderr.write(`ovrseer: ${error.message}\n`),
      })
    : null;
  // Following continues exactly where the history read stopped: no line twice, none skipped.
  const endOffsets = follower === null ? undefined : await follower.snapshot();
  try {
    const history = await queryLogFiles(
      {
        dir,
        names: targets.names,
        // A running supervisor writes the current files: text just written waits for its record.
        growing: live !== null,
        ...(endOffsets === undefined ? {} : { endOffsets }),
      },
      query,
    );
    print(history.entries);
    await printer.flush();
    if (!targets.names.some((name) => existsSync(join(dir, `${name}.log`)))) {
      process.stderr.write(`ovrseer: no log files yet in ${dir} (they are written by \`ovrseer up\`)\n`);
    }
    if (follower === null) return EXIT_OK;
    follower.start();
    // Without a signal it follows until the process is ended.
    if (options.signal?.aborted) endFollowing();
    options.signal?.addEventListener('abort', endFollowing, { once: true });
    await following;
    await follower.stop();
    await printer.flush();
    return EXIT_OK;
  } finally {
    stdout.off('error', onOutputError);
    await follower?.stop();
  }
}

function buildQuery(options: LogsOptions, processes: string[] | undefined, now: () => number): LogQuery {
  const query: LogQuery = {};
  if (processes !== undefined) query.processes = processes;
  if (options.grep !== undefined) {
    query.grep = options.grep;
    query.fixed = options.fixedStrings ?? false;
    query.ignoreCase = options.ignoreCase ?? false;
  }
  if (options.since !== undefined) query.since = parseTime(options.since, '--since', now);
  if (options.until !== undefined) query.until = parseTime(options.until, '--until', now);
  if (options.level !== undefined) {
    const level = options.level.toLowerCase();
    if (!isLogLevel(level)) {
      throw new OvrseerError(
        'OVRSEER_USAGE',
        `--level: expected one of ${LOG_LEVELS.join(', ')}, got "${options.level}"`,
      );
    }
    query.level = level;
  }
  const narrowed = options.grep !== undefined || options.since !== undefined || options.level !== undefined;
  const limit = parseLines(options.lines, narrowed ? undefined : DEFAULT_LINES);
  if (limit !== undefined) query.limit = limit;
  return query;
}

/** `5m` (that long ago) or an ISO date/time. */
export function parseTime(value: string, flag: string, now: () => number): number {
  if (/^\d+(\.\d+)?(ms|s|m|h)?$/.test(value.trim())) return now() - parseDuration(value);
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `${flag}: expected a duration such as "5m" or an ISO time, got "${value}"`,
    );
  }
  return time;
}

/**
 * `-n N` as `tail` reads it: the newest N lines; `0` shows none of the earlier ones (with `-f`, only
 * new lines follow); `all` every line.
 */
export function parseLines(value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (value === 'all') return undefined;
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new OvrseerError(
      'OVRSEER_USAGE',
      `-n/--lines: expected a number of lines (0 or more) or "all", got "${value}"`,
    );
  }
  return Number(value);
}

/** The instances of the supervisor running for the project, or null when none answers. */
async function runningInstances(client: ApiClient): Promise<{ id: string; name: string }[] | null> {
  try {
    const rows = await client.get<ProcessRow[]>('/v1/processes');
    return rows.map((row) => ({ id: row.name, name: row.process }));
  } catch (error) {
    if (error instanceof OvrseerError && error.code === 'OVRSEER_NOT_RUNNING') return null;
    throw error;
  }
}
