import { detectPageSize, ProcReader } from '../os/proc.js';
import { FdCounter } from './fd-counter.js';
import { PortScanner } from './ports.js';
import { TreeAttributor, type TreeRoot } from './tree.js';
import { TreeSums } from './tree-sums.js';
import type { TreeFigures, TreeSource } from './types.js';

export interface LinuxSourceOptions {
  projectId: string;
  /** @default '/proc' (tests use a folder laid out like it) */
  root?: string;
  /** Each process's descriptors are counted every this many passes. @default 10 */
  fdsEvery?: number;
  /** @default detected from /proc/self */
  pageSize?: number;
  /** Left out of every tree. @default process.pid */
  selfPid?: number;
}

/**
 * Figures for every tree from one pass over /proc: one stat read per process of ours (and per new
 * pid) through files kept open, attribution to the trees, sums in typed arrays; ports and
 * descriptor counts at a slower pace (see PortScanner and FdCounter).
 */
export class LinuxTreeSource implements TreeSource {
  readonly reader: ProcReader;
  readonly attributor: TreeAttributor;
  readonly ports: PortScanner;
  readonly fds: FdCounter;
  readonly #sums: TreeSums;
  readonly #selfPid: number;

  constructor(options: LinuxSourceOptions) {
    this.reader = new ProcReader(options.root ?? '/proc');
    this.attributor = new TreeAttributor(this.reader, options.projectId);
    this.ports = new PortScanner(this.reader);
    this.fds = new FdCounter(this.reader, Math.max(1, options.fdsEvery ?? 10));
    this.#sums = new TreeSums(options.pageSize ?? detectPageSize());
    this.#selfPid = options.selfPid ?? process.pid;
  }

  sample(roots: readonly TreeRoot[]): (TreeFigures | null)[] {
    const table = this.#sums.next();
    this.attributor.read(table, roots, this.#selfPid);
    const uptime = this.reader.readUptime();
    const owner = this.attributor.attribute(table, roots);
    const ports = this.ports.scan(table, owner, roots.length);
    const fds = this.fds.count(table, owner, roots.length);
    return this.#sums.figures(roots, owner, uptime, ports, fds);
  }

  /** Closes the /proc files kept open between passes. */
  close(): void {
    this.reader.close();
  }
}
