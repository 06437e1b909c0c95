import { execFile } from 'node:child_process';
import { ProcReader } from '../os/proc.js';
import { CLOCK_TICKS, emptyStat } from '../os/proc-parse.js';
import type { ProcTable } from '../os/proc-table.js';
import { TreeAttributor, type TreeRoot } from './tree.js';
import { TreeSums } from './tree-sums.js';
import type { TreeFigures, TreeSource } from './types.js';

/** Runs `ps` with these arguments and resolves with its output. */
export type PsRunner = (args: readonly string[]) => Promise<string>;

/** POSIX columns every `ps` we know has (macOS, the BSDs, procps): rss in KiB, time as cumulative CPU. */
export const PS_ARGS = ['-A', '-o', 'pid=,ppid=,pgid=,rss=,time='] as const;

const runPs: PsRunner = (args) =>
  new Promise((resolve, reject) => {
    execFile('ps', args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error === null) resolve(stdout);
      else reject(error);
    });
  });

/** Cumulative CPU time as `ps` prints it — `[DD-][HH:]MM:SS[.cc]` — in seconds, or NaN. */
export function parseCpuTime(text: string): number {
  const dash = text.indexOf('-');
  const days = dash === -1 ? 0 : Number(text.slice(0, dash));
  const parts = text.slice(dash + 1).split(':');
  if (parts.length < 2 || parts.length > 3) return Number.NaN;
  return parts.reduce((total, part) => total * 60 + Number(part), 0) + days * 86_400;
}

/** Fills `table` from `ps -o pid=,ppid=,pgid=,rss=,time=` output (rss counted in KiB "pages"). */
export function parsePsTable(text: string, table: ProcTable, skip = -1): void {
  table.clear();
  const stat = emptyStat();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 5) continue;
    const [pid, ppid, pgid, rss, time] = fields.map((field, index) =>
      index === 4 ? parseCpuTime(field) : Number(field),
    );
    if (pid === undefined || !Number.isInteger(pid) || pid === skip || Number.isNaN(time)) continue;
    stat.pid = pid;
    stat.ppid = ppid ?? 0;
    stat.pgrp = pgid ?? 0;
    stat.session = 0;
    stat.rssPages = rss ?? 0;
    stat.ticks = Math.round((time ?? 0) * CLOCK_TICKS);
    // ps gives no start time: a reused pid shows as a negative delta (clamped), a new process
    // counts from its second sample.
    stat.startTime = 0;
    stat.state = 'S';
    table.add(stat);
  }
}

/**
 * The fallback where there is no /proc (macOS, the BSDs): one `ps` call per pass for every process,
 * then the same tree attribution (ancestry and process group; markers need /proc) and the same
 * CPU deltas. Ports and descriptor counts are not available.
 */
export class PsTreeSource implements TreeSource {
  readonly #sums = new TreeSums(1024);
  readonly #attributor: TreeAttributor;
  readonly #run: PsRunner;
  readonly #selfPid: number;

  constructor(options: { projectId: string; run?: PsRunner; selfPid?: number }) {
    this.#attributor = new TreeAttributor(new ProcReader(), options.projectId);
    this.#run = options.run ?? runPs;
    this.#selfPid = options.selfPid ?? process.pid;
  }

  async sample(roots: readonly TreeRoot[]): Promise<(TreeFigures | null)[]> {
    const output = await this.#run(PS_ARGS);
    const uptime = performance.now() / 1000;
    const table = this.#sums.next();
    parsePsTable(output, table, this.#selfPid);
    this.#attributor.resetForeign();
    const owner = this.#attributor.attribute(table, roots);
    return this.#sums.figures(roots, owner, uptime, null, null);
  }
}
