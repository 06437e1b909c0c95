/** Clock ticks per second of the utime/stime/starttime fields: USER_HZ, 100 on every mainstream Linux. */
export const CLOCK_TICKS = 100;

/** The fields of `/proc/<pid>/stat` that ovrseer uses. */
export interface ProcStat {
  pid: number;
  /** One letter: R, S, D, Z, T… */
  state: string;
  ppid: number;
  pgrp: number;
  /** Session id: our trees are sessions of their own (each leader calls setsid). */
  session: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
  /** Start time in clock ticks since boot: with the pid, it identifies a process for good. */
  startTime: number;
  /** Resident set, in pages. */
  rssPages: number;
}

const CLOSE_PAREN = 0x29;
const SPACE = 0x20;
const MINUS = 0x2d;
/** The last field we need (rss, field 24), so parsing stops there. */
const LAST_FIELD = 24;

/**
 * Parses one `/proc/<pid>/stat` line into `out` without allocating. "pid (comm) S ppid pgrp …": comm
 * may hold spaces and parentheses, so fields are read after the last ')' — searched only in the
 * first bytes, where comm ends (at most 64 bytes even for kernel workers), since no later field has one.
 * Returns false when the text is not a stat line.
 */
export function parseStat(buffer: Uint8Array, length: number, out: ProcStat): boolean {
  let close = -1;
  for (let i = Math.min(length, 160) - 1; i >= 0; i -= 1) {
    if (buffer[i] === CLOSE_PAREN) {
      close = i;
      break;
    }
  }
  if (close === -1 || close + 2 >= length) return false;
  let pid = 0;
  for (let i = 0; i < close && buffer[i] !== SPACE; i += 1) pid = pid * 10 + ((buffer[i] ?? 48) - 48);
  out.pid = pid;
  out.state = String.fromCharCode(buffer[close + 2] ?? 63);
  let field = 4;
  let value = 0;
  let negative = false;
  let utime = 0;
  for (let i = close + 4; i <= length && field <= LAST_FIELD; i += 1) {
    const byte = i < length ? (buffer[i] ?? SPACE) : SPACE;
    if (byte === SPACE || byte === 0x0a) {
      const number = negative ? -value : value;
      if (field === 4) out.ppid = number;
      else if (field === 5) out.pgrp = number;
      else if (field === 6) out.session = number;
      else if (field === 14) utime = number;
      else if (field === 15) out.ticks = utime + number;
      else if (field === 22) out.startTime = number;
      else if (field === 24) out.rssPages = number;
      field += 1;
      value = 0;
      negative = false;
    } else if (byte === MINUS) {
      negative = true;
    } else {
      value = value * 10 + (byte - 48);
    }
  }
  return field > LAST_FIELD;
}

export function emptyStat(): ProcStat {
  return { pid: 0, state: '?', ppid: 0, pgrp: 0, session: 0, ticks: 0, startTime: 0, rssPages: 0 };
}

/**
 * The value of `name` in a NUL-separated environment block, or null. Matches whole variables only:
 * `OVRSEER_PROCESS=` never matches inside `MY_OVRSEER_PROCESS=`.
 */
export function environVariable(environ: Buffer, name: string): string | null {
  const needle = `${name}=`;
  let at = environ.indexOf(needle);
  while (at !== -1) {
    if (at === 0 || environ[at - 1] === 0) {
      const start = at + needle.length;
      const end = environ.indexOf(0, start);
      return environ.toString('utf8', start, end === -1 ? environ.length : end);
    }
    at = environ.indexOf(needle, at + 1);
  }
  return null;
}
