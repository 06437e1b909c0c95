import { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { errorMessage, isErrnoException } from '../errors.js';

const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;

interface Libc {
  prctl(option: number, a2: number, a3: number, a4: number, a5: number): number;
  waitpid(pid: number, status: number[], options: number): number;
}

/**
 * Linux's child subreaper: a process that clears its environment and leaves its session
 * (`env -i setsid daemon`) carries no marker and no group of ours, but when its parent exits it is
 * reparented to the nearest subreaper — the supervisor — instead of init, so it can still be found
 * (as a direct child nobody here spawned) and ended.
 *
 * The kernel leaves reaping such orphans to us, and Node reaps only the children it spawned: this
 * class reaps the others with `waitpid(pid)` — never `waitpid(-1)`, and never a pid Node spawned
 * (libuv would lose that child's exit and its `ChildProcess` would never emit `exit`).
 *
 * prctl and waitpid are called through koffi (a maintained FFI package with prebuilt binaries, an
 * optional dependency). Where it is missing or the platform is not Linux, `enable` returns null and
 * the limit documented in the README applies.
 */
export class Subreaper {
  readonly #libc: Libc;
  /** Pids of children Node spawned and has not reaped yet. */
  readonly #spawned: Set<number>;

  private constructor(libc: Libc, spawned: Set<number>) {
    this.#libc = libc;
    this.#spawned = spawned;
  }

  /** @returns `{unavailable}` where the platform or the FFI package does not allow it, with the reason */
  static enable(): Subreaper | { unavailable: string } {
    if (process.platform !== 'linux') return { unavailable: `not on Linux (${process.platform})` };
    let libc: Libc;
    try {
      libc = loadLibc();
    } catch (error) {
      return { unavailable: `koffi could not be loaded: ${errorMessage(error)}` };
    }
    const spawned = trackSpawnedChildren();
    if (libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) !== 0)
      return { unavailable: 'prctl(PR_SET_CHILD_SUBREAPER) failed' };
    return new Subreaper(libc, spawned);
  }

  /** Direct children of this process that Node did not spawn: orphans reparented here. */
  orphans(): number[] {
    return directChildren().filter((pid) => !this.#spawned.has(pid));
  }

  /** Collects the exit of every orphan that has ended; returns how many. */
  reap(): number {
    this.looks += 1;
    let reaped = 0;
    let left = 0;
    for (const pid of this.orphans()) {
      if (this.#libc.waitpid(pid, [0], WNOHANG) === pid) reaped += 1;
      else left += 1;
    }
    this.#orphansLeft = left > 0;
    return reaped;
  }

  /**
   * `reap`, when there can be anything to reap: the children list of the main thread (where the
   * kernel puts orphans while it lives, and where Node's own children are) differs from the last
   * look, or orphans were alive then (one that ends stays listed, as a zombie). Otherwise one read of
   * a file kept open, compared as bytes, and no allocation: what a periodic caller pays while idle.
   */
  reapChanged(): number {
    if (!this.#children.changed() && !this.#orphansLeft) return 0;
    return this.reap();
  }

  /** Times the children of every thread were listed (for tests). */
  looks = 0;
  /** Orphans were still running at the last `reap`. */
  #orphansLeft = true;
  readonly #children = new ChildrenList(`/proc/self/task/${process.pid}/children`);

  /** Closes the file `reapChanged` keeps open. */
  close(): void {
    this.#children.close();
  }
}

/** A /proc children file kept open, re-read at offset 0 into a reused buffer and compared with the last read. */
class ChildrenList {
  #fd = -1;
  #buffer = Buffer.allocUnsafe(4096);
  #last = Buffer.allocUnsafe(4096);
  #lastLength = -1;

  constructor(private readonly path: string) {}

  /** Whether the list differs from the last call's (true the first time, and when it cannot be read). */
  changed(): boolean {
    try {
      if (this.#fd === -1) this.#fd = openSync(this.path, 'r');
      let length = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, 0);
      while (length === this.#buffer.length) {
        this.#buffer = Buffer.allocUnsafe(this.#buffer.length * 2);
        length = readSync(this.#fd, this.#buffer, 0, this.#buffer.length, 0);
      }
      const same =
        length === this.#lastLength && this.#buffer.compare(this.#last, 0, length, 0, length) === 0;
      if (!same) {
        if (this.#last.length < length) this.#last = Buffer.allocUnsafe(this.#buffer.length);
        this.#buffer.copy(this.#last, 0, 0, length);
        this.#lastLength = length;
      }
      return !same;
    } catch (error) {
      // A kernel without CONFIG_PROC_CHILDREN: say "changed", and the caller looks the long way.
      if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ESRCH')) return true;
      throw error;
    }
  }

  close(): void {
    if (this.#fd !== -1) closeSync(this.#fd);
    this.#fd = -1;
  }
}

function loadLibc(): Libc {
  // An optional dependency, loaded only here: most runs never need it.
  const koffi = createRequire(import.meta.url)('koffi') as {
    load(name: string): { func(signature: string): (...args: unknown[]) => number };
  };
  const lib = koffi.load('libc.so.6');
  const prctl = lib.func(
    'int prctl(int option, unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)',
  );
  const waitpid = lib.func('int waitpid(int pid, _Out_ int *status, int options)');
  return {
    prctl: (option, a2, a3, a4, a5) => prctl(option, a2, a3, a4, a5),
    waitpid: (pid, status, options) => waitpid(pid, status, options),
  };
}

let tracked: Set<number> | null = null;

/**
 * Records every child `node:child_process` spawns (ovrseer's, a plugin's, a probe's) until Node has
 * reaped it. The synchronous spawns (`execFileSync`) reap before any JavaScript runs again.
 */
function trackSpawnedChildren(): Set<number> {
  if (tracked !== null) return tracked;
  const spawned = new Set<number>();
  tracked = spawned;
  const prototype = ChildProcess.prototype as unknown as { spawn: (...args: unknown[]) => unknown };
  const spawn = prototype.spawn;
  prototype.spawn = function (this: ChildProcess, ...args: unknown[]) {
    const result = spawn.apply(this, args);
    const pid = this.pid;
    if (pid !== undefined) {
      spawned.add(pid);
      this.once('exit', () => spawned.delete(pid));
    }
    return result;
  };
  return spawned;
}

/** From /proc/self/task/<tid>/children: an orphan may be reparented to any thread of this process. */
export function directChildren(): number[] {
  const pids: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return pids;
    throw error;
  }
  for (const task of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/self/task/${task}/children`, 'utf8');
    } catch (error) {
      // A thread that ended since the listing; a kernel without CONFIG_PROC_CHILDREN.
      if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'ESRCH')) continue;
      throw error;
    }
    for (const word of text.split(' ')) if (word !== '') pids.push(Number(word));
  }
  return pids;
}
