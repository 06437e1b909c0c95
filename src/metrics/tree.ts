import { PROCESS_MARKER_VAR, PROJECT_ID_VAR } from '../core/kill.js';
import { PidIndex } from '../os/pid-index.js';
import { environVariable, type ProcReader } from '../os/proc.js';
import type { ProcTable } from '../os/proc-table.js';

const NO_ROOTS: readonly TreeRoot[] = [];

/** No managed instance owns the row. */
export const NO_OWNER = -1;
const UNRESOLVED = -2;

/** A running instance, as the attribution sees it. */
export interface TreeRoot {
  /** The group leader's pid (its process group has the same id). */
  pid: number;
  /** `OVRSEER_PROCESS` of the instance: `<project>/<name>/<instance>`. */
  marker: string;
}

/**
 * Attributes every live pid of a process table to a managed instance: a process belongs to an
 * instance when its ancestry reaches the instance's leader, or it is in the leader's process group,
 * or — for escapees (`setsid`, double fork) that left both — its environment carries the instance's
 * marker and this project's id. Environments are read only for pids the first two rules leave out,
 * once per process (cached by pid and start time), so a steady machine costs no environ reads.
 */
export class TreeAttributor {
  /** Row → index into the roots, or NO_OWNER. Reused from pass to pass. */
  owner = new Int32Array(256);
  /**
   * Pids known not to be ours (no marker of this project), with the pass that last saw them: their
   * stat is not read at all. A process that is not ours cannot become ours — reparenting only goes to
   * init, and our trees are sessions of their own — except by pid reuse, hence the periodic full pass.
   */
  readonly foreign = new Map<number, number>();
  /** Session of each foreign pid, for the same-session rule of `#isPlainlyForeign`. */
  readonly #foreignSession = new Map<number, number>();
  readonly #markerOf = new Map<number, { startTime: number; marker: string | null }>();
  /** Rows of the walk under way in `#resolveAncestry` (a typed array: an emptied JS array drops its storage). */
  #path = new Int32Array(257);
  /** Leader pid → root index, refilled every pass without allocating. */
  readonly #leaders = new PidIndex();
  /** Marker → root index, for escapees: built only in a pass that finds a marked process. */
  readonly #markers = new Map<string, number>();
  #markersBuilt = false;
  #roots: readonly TreeRoot[] = NO_ROOTS;
  /** The table `#pruneOne` looks at (a bound callback: `Map#forEach` allocates no iterator). */
  #pruneTable: ProcTable | null = null;
  #pass = 0;

  constructor(
    private readonly reader: ProcReader,
    private readonly projectId: string,
    /** Every this many passes, foreign pids are read again. @default 60 */
    private readonly fullPassEvery = 60,
  ) {}

  /** Environments read so far (for tests and the benchmark). */
  environReads = 0;

  /** Forgets which pids are foreign: for a source that lists every process each pass (`ps`). */
  resetForeign(): void {
    this.foreign.clear();
    this.#foreignSession.clear();
  }

  /**
   * Begins a pass that may end at once (see `ProcReader.probe`): true when it is known to find
   * nothing new — then there is nothing to read or attribute. Otherwise `read` goes on with the same
   * pass. For roots that are those of the last pass only (their pids are not foreign, their files open).
   */
  quiet(selfPid: number): boolean {
    this.#pass += 1;
    this.#begun = this.#pass;
    if (this.#fullDue()) return false;
    return this.reader.probe(selfPid, this.#pass);
  }

  /** Reads the process table for this pass: every process but the known foreign ones. */
  read(table: ProcTable, roots: readonly TreeRoot[], selfPid: number): void {
    if (this.#begun !== this.#pass) this.#pass += 1;
    const full = this.#fullDue();
    if (full) {
      this.resetForeign();
      this.reader.forked = false;
    }
    // A leader whose pid was a foreign process's until a moment ago must be read.
    for (const root of roots) this.foreign.delete(root.pid);
    // Between full passes, /proc is listed again only when a process was created somewhere.
    this.#listed = this.reader.readAll(table, selfPid, this.foreign, this.#pass, full ? null : roots);
    // Only a listing tells which foreign pids are gone: those it did not stamp.
    if (this.#listed) this.foreign.forEach(this.#forgetGone);
  }

  /** The pass `quiet` began (so `read` does not count it twice). */
  #begun = -1;

  /**
   * Every `fullPassEvery` passes the host's processes are read again (foreign pids forgotten), for a
   * reused pid or a fork the children lists missed — but only when one of the trees' processes ran
   * while a process was created, or ended, since the last such pass (`ProcReader.forked`): a project
   * that forks nothing cannot have a new process, whatever the rest of the host does.
   */
  #fullDue(): boolean {
    return this.#pass % this.fullPassEvery === 0 && this.reader.forked;
  }

  /** Whether this pass listed /proc (rather than re-reading the open stat files). */
  #listed = true;

  readonly #forgetGone = (seen: number, pid: number): void => {
    if (seen === this.#pass) return;
    this.foreign.delete(pid);
    this.#foreignSession.delete(pid);
  };

  attribute(table: ProcTable, roots: readonly TreeRoot[]): Int32Array {
    if (this.owner.length < table.size) this.owner = new Int32Array(table.pid.length);
    // A walk visits each row at most once, plus one step to notice a cycle.
    if (this.#path.length <= table.size) this.#path = new Int32Array(table.pid.length + 1);
    const owner = this.owner;
    owner.fill(UNRESOLVED, 0, table.size);
    this.#leaders.clear();
    for (let index = 0; index < roots.length; index += 1) {
      const root = roots[index];
      if (root !== undefined) this.#leaders.set(root.pid, index);
    }
    this.#roots = roots;
    this.#markersBuilt = false;
    for (let row = 0; row < table.size; row += 1) {
      if (owner[row] === UNRESOLVED) this.#resolveAncestry(table, row);
    }
    for (let row = 0; row < table.size; row += 1) {
      if (owner[row] === NO_OWNER) owner[row] = this.#byMarker(table, row);
    }
    this.#roots = NO_ROOTS;
    // Cached environments can only go stale when a process ended, which a listing notices; a
    // pass that re-read the open files keeps them a little longer (at most until the next listing).
    if (this.#listed) {
      this.#pruneTable = table;
      this.#markerOf.forEach(this.#pruneOne);
      this.#pruneTable = null;
    }
    return owner;
  }

  /** Walks up the parents until a leader, a leader's group, or an already resolved row. */
  #resolveAncestry(table: ProcTable, start: number): void {
    const owner = this.owner;
    const path = this.#path;
    let depth = 0;
    let row = start;
    let result = NO_OWNER;
    for (;;) {
      const known = owner[row] ?? UNRESOLVED;
      if (known !== UNRESOLVED) {
        result = known;
        break;
      }
      path[depth] = row;
      depth += 1;
      const byPid = this.#leaders.get(table.pid[row] ?? 0);
      const byGroup = byPid ?? this.#leaders.get(table.pgrp[row] ?? 0);
      if (byGroup !== undefined) {
        result = byGroup;
        break;
      }
      const parent = table.rowOf.get(table.ppid[row] ?? 0);
      // A cycle cannot happen in a consistent snapshot, but a torn one (pids reused mid-pass) could.
      if (parent === undefined || depth > table.size) break;
      row = parent;
    }
    for (let step = 0; step < depth; step += 1) owner[path[step] ?? 0] = result;
  }

  #byMarker(table: ProcTable, row: number): number {
    const pid = table.pid[row] ?? 0;
    const startTime = table.startTime[row] ?? 0;
    let cached = this.#markerOf.get(pid);
    if (cached === undefined || cached.startTime !== startTime) {
      cached = { startTime, marker: this.#isPlainlyForeign(table, row) ? null : this.#readMarker(pid) };
      this.#markerOf.set(pid, cached);
    }
    if (cached.marker === null) {
      // Zombies too: an exited process is read again only if its pid comes back as a new process.
      this.foreign.set(pid, this.#pass);
      this.#foreignSession.set(pid, table.session[row] ?? 0);
      return NO_OWNER;
    }
    // Zombies hold nothing; a marked process whose instance is not running belongs to nobody now.
    if (table.zombie[row] === 1) return NO_OWNER;
    return this.#markerIndex().get(cached.marker) ?? NO_OWNER;
  }

  /** Marker → root index of this attribution's roots, built on first use. */
  #markerIndex(): Map<string, number> {
    if (!this.#markersBuilt) {
      this.#markersBuilt = true;
      this.#markers.clear();
      for (let index = 0; index < this.#roots.length; index += 1) {
        const root = this.#roots[index];
        if (root !== undefined) this.#markers.set(root.marker, index);
      }
    }
    return this.#markers;
  }

  /**
   * Not ours, without reading the environment: pid 1, kernel threads, and a child in the same
   * session as its parent that is not ours — every process of ours is in a session one of our
   * leaders created, which nothing else shares. An escapee that was reparented or double-forked
   * sits in a session its new parent (init, a subreaper) is not in, so it is still read.
   */
  #isPlainlyForeign(table: ProcTable, row: number): boolean {
    const pid = table.pid[row] ?? 0;
    const ppid = table.ppid[row] ?? 0;
    if (pid <= 2 || ppid === 2) return true;
    return ppid > 1 && this.#foreignSession.get(ppid) === table.session[row];
  }

  #readMarker(pid: number): string | null {
    this.environReads += 1;
    const environ = this.reader.readEnvironView(pid);
    if (environ === null) return null;
    return markerInEnviron(environ, this.projectId);
  }

  /** Forgets the cached environment of a process that ended. */
  readonly #pruneOne = (cached: { startTime: number }, pid: number): void => {
    const table = this.#pruneTable;
    if (table === null) return;
    const row = table.rowOf.get(pid);
    const gone = row === undefined ? !this.foreign.has(pid) : table.startTime[row] !== cached.startTime;
    if (gone) this.#markerOf.delete(pid);
  };
}

/** The `OVRSEER_PROCESS` marker of an environment, when it belongs to the project `projectId`. */
export function markerInEnviron(environ: Buffer, projectId: string): string | null {
  if (environVariable(environ, PROJECT_ID_VAR) !== projectId) return null;
  return environVariable(environ, PROCESS_MARKER_VAR);
}
