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
  /** Threads of the process (field 20). */
  threads: number;
  /**
   * Minor page faults of the process and of its reaped children (fields 10 and 11): they move
   * whenever it does almost anything — a fork's copy-on-write, a reaped child — even when no whole
   * clock tick was spent.
   */
  faults: number;
}

const CLOSE_PAREN = 0x29;
const SPACE = 0x20;
const MINUS = 0x2d;
const DOT = 0x2e;
const NEWLINE = 0x0a;
/** The last field we need (rss, field 24), so parsing stops there. */
const LAST_FIELD = 24;
/** Where comm has ended at the latest: "4194304 (" and 63 bytes of comm, then ")". */
const COMM_END = 80;

/**
 * Parses one `/proc/<pid>/stat` line into `out` without allocating. "pid (comm) S ppid pgrp …": comm
 * may hold spaces and parentheses, so fields are read after the last ')' — searched only in the
 * first bytes, where comm ends (the kernel writes at most 63 bytes of it even for kernel workers,
 * after a pid of at most 7 digits), since no later field has one. Only the fields ovrseer uses are
 * converted; the others are skipped (vsize and the like need not fit a small integer either).
 * Returns false when the text is not a stat line.
 */
export function parseStat(buffer: Uint8Array, length: number, out: ProcStat): boolean {
  let close = -1;
  for (let i = Math.min(length, COMM_END) - 1; i >= 0; i -= 1) {
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
  let utime = 0;
  let faults = 0;
  let field = 4;
  let i = close + 4;
  for (; field <= LAST_FIELD && i <= length; field += 1) {
    if (!isWanted(field)) {
      // Up to the separator, which the loop steps over.
      while (i < length && buffer[i] !== SPACE && buffer[i] !== NEWLINE) i += 1;
      i += 1;
      continue;
    }
    let negative = false;
    let value = 0;
    for (; i < length; i += 1) {
      const byte = buffer[i] ?? SPACE;
      if (byte === SPACE || byte === NEWLINE) break;
      if (byte === MINUS) negative = true;
      else value = value * 10 + (byte - 48);
    }
    i += 1;
    const number = negative ? -value : value;
    if (field === 4) out.ppid = number;
    else if (field === 10) faults = number;
    else if (field === 11) out.faults = faults + number;
    else if (field === 5) out.pgrp = number;
    else if (field === 6) out.session = number;
    else if (field === 14) utime = number;
    else if (field === 15) out.ticks = utime + number;
    else if (field === 20) out.threads = number;
    else if (field === 22) out.startTime = number;
    else out.rssPages = number;
  }
  return field > LAST_FIELD;
}

/** ppid, pgrp, session, minflt, cminflt, utime, stime, num_threads, starttime, rss. */
function isWanted(field: number): boolean {
  return (
    field <= 6 ||
    field === 10 ||
    field === 11 ||
    field === 14 ||
    field === 15 ||
    field === 20 ||
    field === 22 ||
    field === 24
  );
}

/**
 * The last field of `/proc/loadavg` ("0.00 0.01 0.05 1/80 12345": the pid the kernel handed out
 * last), read from the bytes in place; -1 when it is not a positive integer.
 */
export function parseLastPid(buffer: Uint8Array, length: number): number {
  let end = Math.min(length, buffer.length);
  while (end > 0 && isBlank(buffer[end - 1] ?? SPACE)) end -= 1;
  let start = end;
  while (start > 0 && buffer[start - 1] !== SPACE) start -= 1;
  if (start === end) return -1;
  let pid = 0;
  for (let i = start; i < end; i += 1) {
    const digit = (buffer[i] ?? 0) - 48;
    if (digit < 0 || digit > 9) return -1;
    pid = pid * 10 + digit;
  }
  return pid > 0 && Number.isSafeInteger(pid) ? pid : -1;
}

/**
 * The first field of `/proc/uptime` ("350735.47 1395459.52"), seconds since boot, read from the bytes
 * in place. Digits over a power of ten is the double `parseFloat` gives (both round the same
 * decimal once); anything but `digits[.digits]` goes to `parseFloat` itself (NaN for nothing).
 */
export function parseUptime(buffer: Uint8Array, length: number): number {
  const end = Math.min(length, buffer.length);
  let digits = 0;
  let scale = 1;
  let count = 0;
  let dot = false;
  let i = 0;
  for (; i < end; i += 1) {
    const byte = buffer[i] ?? SPACE;
    if (byte === SPACE || byte === NEWLINE) break;
    if (byte === DOT && !dot) {
      dot = true;
      continue;
    }
    const digit = byte - 48;
    if (digit < 0 || digit > 9 || count >= 15) return slowParseFloat(buffer, end);
    digits = digits * 10 + digit;
    count += 1;
    if (dot) scale *= 10;
  }
  return count === 0 ? slowParseFloat(buffer, end) : digits / scale;
}

function slowParseFloat(buffer: Uint8Array, end: number): number {
  return Number.parseFloat(Buffer.from(buffer.buffer, buffer.byteOffset, end).toString('latin1'));
}

function isBlank(byte: number): boolean {
  return byte === SPACE || byte === NEWLINE || byte === 0;
}

export function emptyStat(): ProcStat {
  return {
    pid: 0,
    state: '?',
    ppid: 0,
    pgrp: 0,
    session: 0,
    ticks: 0,
    startTime: 0,
    rssPages: 0,
    threads: 0,
    faults: 0,
  };
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
