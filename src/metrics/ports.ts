import { readlinkSync } from 'node:fs';
import { isForbidden, isGone, type ProcReader } from '../os/proc.js';
import type { ProcTable } from '../os/proc-table.js';
import { NO_OWNER } from './tree.js';

/** TCP state LISTEN in /proc/net/tcp{,6}. */
const LISTEN = '0A';

/**
 * The port list of every tree without a listening socket (most of them), shared rather than one
 * new array per tree and pass; frozen, so a reader that tried to change it would fail loudly.
 */
const NO_PORTS = Object.freeze([]) as unknown as number[];

function ascending(a: number, b: number): number {
  return a - b;
}

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

/**
 * "TCP: inuse N" of /proc/net/sockstat and "TCP6: inuse N" of sockstat6 (null when unknown): they
 * change when a socket opens or closes, and 0 means the table has nothing to read.
 */
export function tcpInUse(sockstat: string, sockstat6: string): { v4: number | null; v6: number | null } {
  const count = (match: RegExpExecArray | null) => (match === null ? null : Number(match[1]));
  return { v4: count(/^TCP: inuse (\d+)/m.exec(sockstat)), v6: count(/^TCP6: inuse (\d+)/m.exec(sockstat6)) };
}

/**
 * Finds which tree holds each listening TCP socket. Reading /proc/net/tcp{,6} walks the kernel's
 * whole socket hash (milliseconds on big hosts), so it is read only when the socket count in
 * /proc/net/sockstat (microseconds) changed and so did a descriptor count in the trees — checked at
 * most every 5 calls — or a minute went by. An
 * unknown listening inode is looked up in the fd links of the trees' processes, newest first (a
 * server that just started is the likely owner) and skipping processes whose descriptor count did
 * not change since their links were read, stopping as soon as every inode is found; owners are
 * remembered by pid and start time, and inodes no tree holds are remembered as foreign.
 */
export class PortScanner {
  readonly #owners = new Map<number, { pid: number; startTime: number }>();
  readonly #foreign = new Set<number>();
  readonly #listening = new Map<number, number>();
  #inUse = '';
  readonly #order: number[] = [];
  /** Descriptor count of each process when its links were last read. */
  readonly #scanned = new Map<number, { startTime: number; fds: number }>();
  #sinceRead = Number.POSITIVE_INFINITY;
  #sinceCheck = Number.POSITIVE_INFINITY;
  /** Descriptor counts of the trees' processes at the last check. */
  #fdsAtCheck = new Map<number, { startTime: number; fds: number | null }>();

  constructor(
    private readonly reader: ProcReader,
    /** The socket tables are read at most every this many calls, however often sockets change. @default 5 */
    private readonly minEvery = 5,
    /** …and at least every this many calls. @default 60 */
    private readonly maxEvery = 60,
    /** Every this many table reads, the fd links of every process are read again. @default 60 */
    private readonly fullScanEvery = 60,
  ) {}

  /** Socket table reads and fd link reads so far (for tests and the benchmark). */
  tableReads = 0;
  linkReads = 0;

  /** Listening ports per root, ascending. */
  scan(table: ProcTable, owner: Int32Array, roots: number): number[][] {
    this.#sinceRead += 1;
    this.#sinceCheck += 1;
    if (this.#sinceCheck >= this.minEvery) {
      const inUse = tcpInUse(this.reader.readText('net/sockstat'), this.reader.readText('net/sockstat6'));
      const key = `${inUse.v4}/${inUse.v6}`;
      const due = this.#sinceRead >= this.maxEvery;
      if (key !== this.#inUse || due) {
        this.#inUse = key;
        this.#sinceCheck = 0;
        // Sockets of other processes come and go all the time; one of ours opening or closing
        // changes a descriptor count in the trees.
        if (this.#treesChanged(table, owner) || due) {
          this.#sinceRead = 0;
          this.#readTables(table, owner, inUse);
        }
      }
    }
    const ports = this.#ports;
    ports.length = roots;
    ports.fill(NO_PORTS, 0, roots);
    if (this.#owners.size === 0) return ports;
    this.#scanTable = table;
    this.#scanOwner = owner;
    this.#owners.forEach(this.#addPort);
    this.#scanTable = null;
    for (const list of ports) if (list.length > 1) list.sort(ascending);
    return ports;
  }

  /** Ports per root of the last `scan`: reused, but each tree with ports gets a new list. */
  readonly #ports: number[][] = [];
  #scanTable: ProcTable | null = null;
  #scanOwner: Int32Array = new Int32Array(0);

  /** Adds an owned listening socket's port to its tree's list (a bound callback for `Map#forEach`). */
  readonly #addPort = (known: { pid: number }, inode: number): void => {
    const table = this.#scanTable;
    if (table === null) return;
    const row = table.rowOf.get(known.pid);
    const root = row === undefined ? NO_OWNER : (this.#scanOwner[row] ?? NO_OWNER);
    const port = this.#listening.get(inode);
    const list = this.#ports[root];
    if (port === undefined || list === undefined) return;
    if (list === NO_PORTS) this.#ports[root] = [port];
    // The same port on IPv4 and IPv6 is one port.
    else if (!list.includes(port)) list.push(port);
  };

  #readTables(table: ProcTable, owner: Int32Array, inUse: ReturnType<typeof tcpInUse>): void {
    const listening = this.#listening;
    listening.clear();
    this.tableReads += 1;
    // A family with no TCP socket at all has nothing to list (most hosts have no IPv6 listener).
    if (inUse.v4 !== 0) parseListeningSockets(this.reader.readText('net/tcp'), listening);
    if (inUse.v6 !== 0) parseListeningSockets(this.reader.readText('net/tcp6'), listening);
    for (const [inode, known] of this.#owners) {
      const row = table.rowOf.get(known.pid);
      if (!listening.has(inode) || row === undefined || table.startTime[row] !== known.startTime) {
        this.#owners.delete(inode);
      }
    }
    for (const inode of this.#foreign) if (!listening.has(inode)) this.#foreign.delete(inode);
    // Now and then every process is read again, in case a socket moved into a tree unnoticed.
    const full = this.tableReads % this.fullScanEvery === 1;
    if (full) this.#foreign.clear();
    let unknown = 0;
    for (const inode of listening.keys())
      if (!this.#owners.has(inode) && !this.#foreign.has(inode)) unknown += 1;
    this.#prune(table);
    if (unknown === 0) return;
    const order = this.#order;
    order.length = 0;
    for (let row = 0; row < table.size; row += 1) {
      if ((owner[row] ?? NO_OWNER) !== NO_OWNER && table.zombie[row] === 0) order.push(row);
    }
    order.sort((a, b) => (table.startTime[b] ?? 0) - (table.startTime[a] ?? 0));
    for (const row of order) {
      const pid = table.pid[row] ?? 0;
      const startTime = table.startTime[row] ?? 0;
      // A new socket is a new descriptor: a process whose count did not change since its links
      // were read holds none of the unknown inodes.
      const scanned = this.#scanned.get(pid);
      if (!full && scanned?.startTime === startTime && scanned.fds === this.reader.countFds(pid)) continue;
      unknown -= this.#findOwners(pid, startTime);
      if (unknown <= 0) break;
    }
    for (const inode of listening.keys()) if (!this.#owners.has(inode)) this.#foreign.add(inode);
  }

  /** Whether a process joined or left the trees, or changed its descriptor count, since the last check. */
  #treesChanged(table: ProcTable, owner: Int32Array): boolean {
    const current = new Map<number, { startTime: number; fds: number | null }>();
    let changed = false;
    for (let row = 0; row < table.size; row += 1) {
      if ((owner[row] ?? NO_OWNER) === NO_OWNER || table.zombie[row] === 1) continue;
      const pid = table.pid[row] ?? 0;
      const startTime = table.startTime[row] ?? 0;
      const fds = this.reader.countFds(pid);
      const before = this.#fdsAtCheck.get(pid);
      if (before?.startTime !== startTime || before.fds !== fds) changed = true;
      current.set(pid, { startTime, fds });
    }
    if (current.size !== this.#fdsAtCheck.size) changed = true;
    this.#fdsAtCheck = current;
    return changed;
  }

  #prune(table: ProcTable): void {
    for (const [pid, scanned] of this.#scanned) {
      const row = table.rowOf.get(pid);
      if (row === undefined || table.startTime[row] !== scanned.startTime) this.#scanned.delete(pid);
    }
  }

  /** Reads one process's fd links; returns how many unknown listening inodes it holds. */
  #findOwners(pid: number, startTime: number): number {
    const names = this.reader.listFds(pid);
    if (names === null) return 0;
    this.#scanned.set(pid, { startTime, fds: names.length });
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
