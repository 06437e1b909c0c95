import { PROCESS_MARKER_VAR, PROJECT_ID_VAR } from '../core/kill.js';
import { environVariable, type ProcReader } from './proc.js';
import type { ProcTable } from './proc-table.js';

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
  readonly #path: number[] = [];
  readonly #leaders = new Map<number, number>();
  readonly #markers = new Map<string, number>();
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

  /** Reads the process table for this pass: every process but the known foreign ones. */
  read(table: ProcTable, roots: readonly TreeRoot[], selfPid: number): void {
    this.#pass += 1;
    const full = this.#pass % this.fullPassEvery === 0;
    if (full) this.resetForeign();
    // A leader whose pid was a foreign process's until a moment ago must be read.
    for (const root of roots) this.foreign.delete(root.pid);
    // Between full passes, /proc is listed again only when a process was created somewhere.
    this.reader.readAll(table, selfPid, this.foreign, this.#pass, full ? null : roots);
    for (const [pid, seen] of this.foreign) {
      if (seen === this.#pass) continue;
      this.foreign.delete(pid);
      this.#foreignSession.delete(pid);
    }
  }

  attribute(table: ProcTable, roots: readonly TreeRoot[]): Int32Array {
    if (this.owner.length < table.size) this.owner = new Int32Array(table.pid.length);
    const owner = this.owner;
    owner.fill(UNRESOLVED, 0, table.size);
    this.#leaders.clear();
    this.#markers.clear();
    roots.forEach((root, index) => {
      this.#leaders.set(root.pid, index);
      this.#markers.set(root.marker, index);
    });
    for (let row = 0; row < table.size; row += 1) {
      if (owner[row] === UNRESOLVED) this.#resolveAncestry(table, row);
    }
    for (let row = 0; row < table.size; row += 1) {
      if (owner[row] === NO_OWNER) owner[row] = this.#byMarker(table, row);
    }
    this.#prune(table);
    return owner;
  }

  /** Walks up the parents until a leader, a leader's group, or an already resolved row. */
  #resolveAncestry(table: ProcTable, start: number): void {
    const owner = this.owner;
    const path = this.#path;
    path.length = 0;
    let row = start;
    let result = NO_OWNER;
    for (;;) {
      const known = owner[row] ?? UNRESOLVED;
      if (known !== UNRESOLVED) {
        result = known;
        break;
      }
      path.push(row);
      const byPid = this.#leaders.get(table.pid[row] ?? 0);
      const byGroup = byPid ?? this.#leaders.get(table.pgrp[row] ?? 0);
      if (byGroup !== undefined) {
        result = byGroup;
        break;
      }
      const parent = table.rowOf.get(table.ppid[row] ?? 0);
      // A cycle cannot happen in a consistent snapshot, but a torn one (pids reused mid-pass) could.
      if (parent === undefined || path.length > table.size) break;
      row = parent;
    }
    for (const visited of path) owner[visited] = result;
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
    return this.#markers.get(cached.marker) ?? NO_OWNER;
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

  /** Forgets cached environments of processes that ended. */
  #prune(table: ProcTable): void {
    for (const [pid, cached] of this.#markerOf) {
      const row = table.rowOf.get(pid);
      const gone = row === undefined ? !this.foreign.has(pid) : table.startTime[row] !== cached.startTime;
      if (gone) this.#markerOf.delete(pid);
    }
  }
}

/** The `OVRSEER_PROCESS` marker of an environment, when it belongs to the project `projectId`. */
export function markerInEnviron(environ: Buffer, projectId: string): string | null {
  if (environVariable(environ, PROJECT_ID_VAR) !== projectId) return null;
  return environVariable(environ, PROCESS_MARKER_VAR);
}
