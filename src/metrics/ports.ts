import { readlinkSync } from 'node:fs';
import { isForbidden, isGone, type ProcReader } from './proc.js';
import type { ProcTable } from './proc-table.js';
import { NO_OWNER } from './tree.js';

/** TCP state LISTEN in /proc/net/tcp{,6}. */
const LISTEN = '0A';

/**
 * Adds the listening sockets of a `/proc/net/tcp` or `/proc/net/tcp6` table to `out` (inode → port).
 * Lines read `sl local_address rem_address st … uid timeout inode …`, the address as hex `IP:PORT`.
 */
export function parseListeningSockets(text: string, out: Map<number, number>): void {
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] !== LISTEN) continue;
    const local = fields[1] ?? '';
    const port = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    const inode = Number(fields[9]);
    // Inode 0: a socket being torn down, owned by nobody.
    if (Number.isInteger(port) && Number.isInteger(inode) && inode > 0) out.set(inode, port);
  }
}

/** The inode of a `socket:[12345]` fd link, or -1 for anything else. */
export function socketInode(link: string): number {
  if (!link.startsWith('socket:[')) return -1;
  const inode = Number(link.slice(8, -1));
  return Number.isInteger(inode) ? inode : -1;
}

/** "TCP: inuse N" of /proc/net/sockstat plus "TCP6: inuse N" of sockstat6: changes when a socket opens or closes. */
export function tcpInUse(sockstat: string, sockstat6: string): string {
  const v4 = /^TCP: inuse (\d+)/m.exec(sockstat)?.[1] ?? '?';
  const v6 = /^TCP6: inuse (\d+)/m.exec(sockstat6)?.[1] ?? '?';
  return `${v4}/${v6}`;
}

/**
 * Finds which tree holds each listening TCP socket. Reading /proc/net/tcp{,6} walks the kernel's
 * whole socket hash (milliseconds on big hosts), so it is read only when the socket count in
 * /proc/net/sockstat (microseconds) changed — at most every 5 calls — or a minute went by. An
 * unknown listening inode is looked up in the fd links of the trees' processes, newest first (a
 * server that just started is the likely owner), stopping as soon as every inode is found; owners
 * are remembered by pid and start time, and inodes no tree holds are remembered as foreign.
 */
export class PortScanner {
  readonly #owners = new Map<number, { pid: number; startTime: number }>();
  readonly #foreign = new Set<number>();
  readonly #listening = new Map<number, number>();
  #inUse = '';
  readonly #order: number[] = [];
  #sinceRead = Number.POSITIVE_INFINITY;

  constructor(
    private readonly reader: ProcReader,
    /** The socket tables are read at most every this many calls, however often sockets change. @default 5 */
    private readonly minEvery = 5,
    /** …and at least every this many calls. @default 60 */
    private readonly maxEvery = 60,
  ) {}

  /** Socket table reads and fd link reads so far (for tests and the benchmark). */
  tableReads = 0;
  linkReads = 0;

  /** Listening ports per root, ascending. */
  scan(table: ProcTable, owner: Int32Array, roots: number): number[][] {
    this.#sinceRead += 1;
    if (this.#sinceRead >= this.minEvery) {
      const inUse = tcpInUse(this.reader.readText('net/sockstat'), this.reader.readText('net/sockstat6'));
      if (inUse !== this.#inUse || this.#sinceRead >= this.maxEvery) {
        this.#inUse = inUse;
        this.#sinceRead = 0;
        this.#readTables(table, owner);
      }
    }
    const sets: Set<number>[] = Array.from({ length: roots }, () => new Set<number>());
    for (const [inode, port] of this.#listening) {
      const known = this.#owners.get(inode);
      const row = known === undefined ? undefined : table.rowOf.get(known.pid);
      const root = row === undefined ? NO_OWNER : (owner[row] ?? NO_OWNER);
      if (root !== NO_OWNER) sets[root]?.add(port);
    }
    return sets.map((set) => [...set].sort((a, b) => a - b));
  }

  #readTables(table: ProcTable, owner: Int32Array): void {
    const listening = this.#listening;
    listening.clear();
    this.tableReads += 1;
    parseListeningSockets(this.reader.readText('net/tcp'), listening);
    parseListeningSockets(this.reader.readText('net/tcp6'), listening);
    for (const [inode, known] of this.#owners) {
      const row = table.rowOf.get(known.pid);
      if (!listening.has(inode) || row === undefined || table.startTime[row] !== known.startTime) {
        this.#owners.delete(inode);
      }
    }
    for (const inode of this.#foreign) if (!listening.has(inode)) this.#foreign.delete(inode);
    let unknown = 0;
    for (const inode of listening.keys())
      if (!this.#owners.has(inode) && !this.#foreign.has(inode)) unknown += 1;
    if (unknown === 0) return;
    const order = this.#order;
    order.length = 0;
    for (let row = 0; row < table.size; row += 1) {
      if ((owner[row] ?? NO_OWNER) !== NO_OWNER && table.zombie[row] === 0) order.push(row);
    }
    order.sort((a, b) => (table.startTime[b] ?? 0) - (table.startTime[a] ?? 0));
    for (const row of order) {
      unknown -= this.#findOwners(table.pid[row] ?? 0, table.startTime[row] ?? 0);
      if (unknown <= 0) break;
    }
    for (const inode of listening.keys()) if (!this.#owners.has(inode)) this.#foreign.add(inode);
  }

  /** Reads one process's fd links; returns how many unknown listening inodes it holds. */
  #findOwners(pid: number, startTime: number): number {
    const names = this.reader.listFds(pid);
    if (names === null) return 0;
    const dir = `${this.reader.root}/${pid}/fd/`;
    let found = 0;
    for (const name of names) {
      let link: string;
      try {
        this.linkReads += 1;
        link = readlinkSync(dir + name);
      } catch (error) {
        // The descriptor was closed, or the process ended, since the listing.
        if (isGone(error) || isForbidden(error)) continue;
        throw error;
      }
      const inode = socketInode(link);
      if (
        inode === -1 ||
        !this.#listening.has(inode) ||
        this.#owners.has(inode) ||
        this.#foreign.has(inode)
      ) {
        continue;
      }
      this.#owners.set(inode, { pid, startTime });
      found += 1;
    }
    return found;
  }
}

/** `:3000,:9229`, as listings show ports. */
export function formatPorts(ports: readonly number[]): string {
  return ports.map((port) => `:${port}`).join(',');
}
