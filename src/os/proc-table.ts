import { PidIndex } from './pid-index.js';
import type { ProcStat } from './proc-parse.js';

/** One process table row per live pid, kept in typed arrays that are reused from pass to pass. */
export class ProcTable {
  size = 0;
  pid = new Int32Array(256);
  ppid = new Int32Array(256);
  pgrp = new Int32Array(256);
  session = new Int32Array(256);
  ticks = new Float64Array(256);
  startTime = new Float64Array(256);
  rssPages = new Float64Array(256);
  zombie = new Uint8Array(256);
  /**
   * Passes since the row's figures were last read, as of this read: 1 when read in consecutive
   * passes, more when an idle process was left unread for a while, 0 when not read this pass (its
   * figures are the last read's). A tick delta over a span of n passes is spread over them.
   */
  span = new Int32Array(256);
  /** pid → row (refilled every pass without allocating). */
  readonly rowOf = new PidIndex();

  clear(): void {
    this.size = 0;
    this.rowOf.clear();
  }

  add(stat: ProcStat, span = 1): void {
    if (this.size === this.pid.length) this.#grow();
    const row = this.size;
    this.pid[row] = stat.pid;
    this.ppid[row] = stat.ppid;
    this.pgrp[row] = stat.pgrp;
    this.session[row] = stat.session;
    this.ticks[row] = stat.ticks;
    this.startTime[row] = stat.startTime;
    this.rssPages[row] = stat.rssPages;
    this.zombie[row] = stat.state === 'Z' ? 1 : 0;
    this.span[row] = span;
    this.rowOf.set(stat.pid, row);
    this.size = row + 1;
  }

  #grow(): void {
    const capacity = this.pid.length * 2;
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(array: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(array);
      return next;
    };
    this.pid = grow(this.pid, (n) => new Int32Array(n));
    this.ppid = grow(this.ppid, (n) => new Int32Array(n));
    this.pgrp = grow(this.pgrp, (n) => new Int32Array(n));
    this.session = grow(this.session, (n) => new Int32Array(n));
    this.ticks = grow(this.ticks, (n) => new Float64Array(n));
    this.startTime = grow(this.startTime, (n) => new Float64Array(n));
    this.rssPages = grow(this.rssPages, (n) => new Float64Array(n));
    this.zombie = grow(this.zombie, (n) => new Uint8Array(n));
    this.span = grow(this.span, (n) => new Int32Array(n));
  }
}
