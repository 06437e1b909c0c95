import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeProcess {
  pid: number;
  ppid: number;
  /** @default pid */
  pgrp?: number;
  /** @default pgrp */
  session?: number;
  /** @default 'node' */
  comm?: string;
  /** @default 'S' */
  state?: string;
  utime?: number;
  stime?: number;
  /** Start time in ticks since boot. @default 100 */
  start?: number;
  /** Resident pages. @default 100 */
  rss?: number;
  env?: Record<string, string>;
  /** fd number → link target (`socket:[123]`, `/dev/null`). */
  fds?: Record<string, string>;
}

/** `/proc/<pid>/stat` as the kernel writes it (52 fields). */
export function statLine(p: FakeProcess): string {
  const fields = [
    p.state ?? 'S',
    p.ppid,
    p.pgrp ?? p.pid,
    p.session ?? p.pgrp ?? p.pid,
    0, // tty
    -1, // tpgid
    4194560, // flags
    10, // minflt
    0,
    0,
    0,
    p.utime ?? 0,
    p.stime ?? 0,
    0, // cutime
    0, // cstime
    20, // priority
    -5, // nice (negative on purpose)
    1, // threads
    0,
    p.start ?? 100,
    123456789, // vsize
    p.rss ?? 100,
    '18446744073709551615',
    ...Array.from({ length: 28 }, () => 0),
  ];
  return `${p.pid} (${p.comm ?? 'node'}) ${fields.join(' ')}\n`;
}

/** A folder laid out like /proc, for ProcReader and the sources. */
export class FakeProc {
  readonly root = mkdtempSync(join(tmpdir(), 'ovrseer-fake-proc-'));

  constructor() {
    mkdirSync(join(this.root, 'net'));
    this.uptime(1000);
    this.tcp([]);
    writeFileSync(
      join(this.root, 'net/sockstat'),
      'sockets: used 1\nTCP: inuse 0 orphan 0 tw 0 alloc 0 mem 0\n',
    );
    writeFileSync(join(this.root, 'net/sockstat6'), 'TCP6: inuse 0\n');
    // Not a pid: must be skipped.
    mkdirSync(join(this.root, 'sys'));
  }

  add(process: FakeProcess): this {
    const dir = join(this.root, String(process.pid));
    // Files are rewritten in place, as the kernel's are: a reader may keep stat open between passes.
    rmSync(join(dir, 'fd'), { recursive: true, force: true });
    mkdirSync(join(dir, 'fd'), { recursive: true });
    writeFileSync(join(dir, 'stat'), statLine(process));
    const env = Object.entries(process.env ?? { PATH: '/usr/bin' })
      .map(([key, value]) => `${key}=${value}\0`)
      .join('');
    writeFileSync(join(dir, 'environ'), env);
    for (const [fd, target] of Object.entries(process.fds ?? { 0: '/dev/null' })) {
      symlinkSync(target, join(dir, 'fd', fd));
    }
    return this;
  }

  /** `/proc/<pid>/task/<pid>/children`: the children list of the process's main thread. */
  children(pid: number, children: number[]): this {
    const dir = join(this.root, String(pid), 'task', String(pid));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'children'), children.map((child) => `${child} `).join(''));
    return this;
  }

  /** `/proc/loadavg`, whose last field is the pid the kernel handed out last. */
  lastPid(pid: number): this {
    writeFileSync(join(this.root, 'loadavg'), `0.00 0.01 0.05 1/80 ${pid}\n`);
    return this;
  }

  remove(pid: number): this {
    // A stat file kept open reads nothing once the process is gone, as the kernel's reads ESRCH.
    const stat = join(this.root, String(pid), 'stat');
    if (existsSync(stat)) writeFileSync(stat, '');
    rmSync(join(this.root, String(pid)), { recursive: true, force: true });
    return this;
  }

  uptime(seconds: number): this {
    writeFileSync(join(this.root, 'uptime'), `${seconds.toFixed(2)} 12345.67\n`);
    return this;
  }

  /** Listening sockets in net/tcp; `inUse` goes to sockstat (the scanner reads the table when it changes). */
  tcp(listeners: { port: number; inode: number; state?: string }[], inUse = listeners.length): this {
    const header =
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    const lines = listeners.map(
      (l, i) =>
        `   ${i}: 0100007F:${l.port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 ${l.state ?? '0A'} 00000000:00000000 00:00000000 00000000  1000        0 ${l.inode} 1 0000000000000000 100 0 0 10 0\n`,
    );
    writeFileSync(join(this.root, 'net/tcp'), header + lines.join(''));
    writeFileSync(join(this.root, 'net/tcp6'), header);
    writeFileSync(
      join(this.root, 'net/sockstat'),
      `sockets: used 1\nTCP: inuse ${inUse} orphan 0 tw 0 alloc 0 mem 0\n`,
    );
    return this;
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export const PROJECT_ID = 'p0123456789abcde';

/** The environment a process of instance `marker` (`shop/api/1`) carries. */
export function markedEnv(marker: string, projectId = PROJECT_ID): Record<string, string> {
  return { PATH: '/usr/bin', OVRSEER_PROCESS: marker, OVRSEER_PROJECT_ID: projectId, HOME: '/root' };
}
