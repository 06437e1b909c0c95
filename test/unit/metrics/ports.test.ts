import { afterEach, describe, expect, it } from 'vitest';
import {
  formatPorts,
  PortScanner,
  parseListeningSockets,
  socketInode,
  tcpInUse,
} from '../../../src/metrics/ports.js';
import { ProcReader } from '../../../src/os/proc.js';
import { ProcTable } from '../../../src/os/proc-table.js';
import { FakeProc } from './fake-proc.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41234 1 0000000000000000 100 0 0 10 0
   1: 00000000:2406 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41235 1 0000000000000000 100 0 0 10 0
   2: 0100007F:0BB8 0100007F:D2F4 01 00000000:00000000 00:00000000 00000000  1000        0 41300 1 0000000000000000 20 4 30 10 -1
   3: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 0 1 0000000000000000 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:2405 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 52000 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:0BB8 0000000000000000FFFF00000100007F:C350 06 00000000:00000000 03:00000ED5 00000000     0        0 0 3 0000000000000000
`;

describe('parseListeningSockets', () => {
  it('reads LISTEN sockets of tcp and tcp6 as inode → port; skips other states and inode 0', () => {
    const out = new Map<number, number>();
    parseListeningSockets(TCP, out);
    parseListeningSockets(TCP6, out);
    expect(out).toEqual(
      new Map([
        [41234, 3000],
        [41235, 9222],
        [52000, 9221],
      ]),
    );
  });

  it('ignores an empty or truncated table', () => {
    const out = new Map<number, number>();
    parseListeningSockets('', out);
    parseListeningSockets('  sl  local_address\n   0: 0100', out);
    expect(out.size).toBe(0);
  });
});

describe('helpers', () => {
  it('socketInode reads socket links only', () => {
    expect(socketInode('socket:[41234]')).toBe(41234);
    expect(socketInode('pipe:[41234]')).toBe(-1);
    expect(socketInode('/dev/null')).toBe(-1);
  });

  it('tcpInUse reads the v4 and v6 socket counts', () => {
    const sockstat = 'sockets: used 9\nTCP: inuse 4 orphan 0 tw 2 alloc 5 mem 1\n';
    expect(tcpInUse(sockstat, 'TCP6: inuse 0\n')).toEqual({ v4: 4, v6: 0 });
    expect(tcpInUse('', '')).toEqual({ v4: null, v6: null });
  });

  it('formatPorts shows :3000,:9229', () => {
    expect(formatPorts([3000, 9229])).toBe(':3000,:9229');
    expect(formatPorts([])).toBe('');
  });
});

describe('PortScanner', () => {
  let proc: FakeProc;
  afterEach(() => proc.cleanup());

  function setup() {
    proc = new FakeProc()
      .add({ pid: 100, ppid: 1, fds: { 0: '/dev/null', 3: 'socket:[500]' } })
      .add({ pid: 101, ppid: 100, fds: { 0: '/dev/null', 5: 'socket:[501]' } })
      .add({ pid: 60, ppid: 1, fds: { 3: 'socket:[800]' } })
      .tcp([
        { port: 3000, inode: 500 },
        { port: 9229, inode: 501 },
        { port: 22, inode: 800 },
      ]);
    const table = new ProcTable();
    new ProcReader(proc.root).readAll(table);
    const owner = new Int32Array(table.size).fill(-1);
    owner[table.rowOf.get(100) ?? -1] = 0;
    owner[table.rowOf.get(101) ?? -1] = 0;
    // Reads the socket tables whenever sockstat changes (at most every 5 calls by default).
    return { scanner: new PortScanner(new ProcReader(proc.root), 1), table, owner };
  }

  it('finds the ports of the tree once, then reads nothing while sockstat is unchanged', () => {
    const { scanner, table, owner } = setup();
    expect(scanner.scan(table, owner, 1)).toEqual([[3000, 9229]]);
    expect(scanner.tableReads).toBe(1);
    const links = scanner.linkReads;
    expect(scanner.scan(table, owner, 1)).toEqual([[3000, 9229]]);
    expect(scanner.tableReads).toBe(1);
    expect(scanner.linkReads).toBe(links);
  });

  it('a new listener (sockstat changes) is found; the foreign one is not looked up again', () => {
    const { scanner, table, owner } = setup();
    scanner.scan(table, owner, 1);
    const links = scanner.linkReads;
    proc.add({ pid: 101, ppid: 100, fds: { 0: '/dev/null', 5: 'socket:[501]', 6: 'socket:[502]' } }).tcp([
      { port: 3000, inode: 500 },
      { port: 9229, inode: 501 },
      { port: 22, inode: 800 },
      { port: 8080, inode: 502 },
    ]);
    expect(scanner.scan(table, owner, 1)).toEqual([[3000, 8080, 9229]]);
    expect(scanner.tableReads).toBe(2);
    // Only the links of the tree were read, and the search stopped once 502 was found.
    expect(scanner.linkReads - links).toBeLessThanOrEqual(5);
  });

  it('a socket that opens elsewhere (no descriptor count of the trees changed) does not cost a table read', () => {
    const { scanner, table, owner } = setup();
    scanner.scan(table, owner, 1);
    proc.tcp(
      [
        { port: 3000, inode: 500 },
        { port: 9229, inode: 501 },
        { port: 22, inode: 800 },
        { port: 5432, inode: 900 },
      ],
      9,
    );
    expect(scanner.scan(table, owner, 1)).toEqual([[3000, 9229]]);
    expect(scanner.tableReads).toBe(1);
  });

  it('a closed listener disappears', () => {
    const { scanner, table, owner } = setup();
    scanner.scan(table, owner, 1);
    proc.add({ pid: 101, ppid: 100, fds: { 0: '/dev/null' } }).tcp([{ port: 3000, inode: 500 }]);
    expect(scanner.scan(table, owner, 1)).toEqual([[3000]]);
  });

  it('by default reads the socket tables at most every 5 calls, however often sockstat changes', () => {
    const { table, owner } = setup();
    const scanner = new PortScanner(new ProcReader(proc.root));
    for (let call = 0; call < 10; call += 1) {
      // A tree process opens and closes descriptors all the time, and sockets come and go.
      proc.add({
        pid: 101,
        ppid: 100,
        fds: Object.fromEntries(Array.from({ length: call + 1 }, (_, fd) => [fd, '/dev/null'])),
      });
      proc.tcp([{ port: 3000 + call, inode: 500 }], call);
      scanner.scan(table, owner, 1);
    }
    expect(scanner.tableReads).toBe(2);
  });
});
