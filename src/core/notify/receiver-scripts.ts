/**
 * Node cannot receive on a unix datagram socket without a native module, so one small helper does it
 * for the whole supervisor (docs/ipc.md, "sd_notify"). It reads commands on stdin —
 * `open ID PATH`, `close ID` — and writes one line per event on stdout: `opened ID`, `error ID TEXT`,
 * `msg ID HEX` (the datagram hex-encoded, so newlines inside it cannot break the framing).
 * Perl comes first: perl-base is essential on Debian and its IO::Socket::UNIX suffices.
 */

export const PERL_RECEIVER = String.raw`
use strict; use warnings; use Socket; use IO::Socket::UNIX; use IO::Select;
$| = 1;
my $select = IO::Select->new(\*STDIN);
my (%id_of, %socket_of, %path_of);
my $pending = '';
while (1) {
  for my $fh ($select->can_read) {
    if (fileno($fh) == fileno(STDIN)) {
      my $n = sysread(STDIN, my $chunk, 65536);
      exit 0 unless $n;
      $pending .= $chunk;
      while ($pending =~ s/^([^\n]*)\n//) {
        my ($command, $id, $path) = split / /, $1, 3;
        if ($command eq 'open') {
          if (my $old = delete $socket_of{$id}) { $select->remove($old); close $old; }
          unlink $path;
          my $socket = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $path);
          if (!$socket) { print "error $id $!\n"; next; }
          chmod 0600, $path;
          $select->add($socket);
          $id_of{fileno $socket} = $id; $socket_of{$id} = $socket; $path_of{$id} = $path;
          print "opened $id\n";
        } elsif ($command eq 'close') {
          my $socket = delete $socket_of{$id};
          next unless $socket;
          $select->remove($socket); delete $id_of{fileno $socket}; close $socket;
          unlink delete $path_of{$id};
        }
      }
    } else {
      my $data = '';
      next unless defined recv($fh, $data, 65536, 0);
      print "msg $id_of{fileno $fh} ", unpack('H*', $data), "\n";
    }
  }
}
`;

export const PYTHON_RECEIVER = String.raw`
import os, select, socket, sys
sockets, ids, paths = {}, {}, {}
stdin = sys.stdin.buffer.raw
pending = b''
out = sys.stdout
while True:
    readable, _, _ = select.select([stdin] + list(sockets.values()), [], [])
    for fh in readable:
        if fh is stdin:
            chunk = os.read(stdin.fileno(), 65536)
            if not chunk:
                sys.exit(0)
            pending += chunk
            while b'\n' in pending:
                line, pending = pending.split(b'\n', 1)
                parts = line.decode().split(' ', 2)
                command, sid = parts[0], parts[1]
                if command == 'open':
                    old = sockets.pop(sid, None)
                    if old: ids.pop(old.fileno(), None); old.close()
                    path = parts[2]
                    try:
                        os.unlink(path)
                    except FileNotFoundError:
                        pass
                    try:
                        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                        s.bind(path)
                        os.chmod(path, 0o600)
                    except OSError as error:
                        out.write('error %s %s\n' % (sid, error)); out.flush(); continue
                    sockets[sid] = s; ids[s.fileno()] = sid; paths[sid] = path
                    out.write('opened %s\n' % sid); out.flush()
                elif command == 'close':
                    s = sockets.pop(sid, None)
                    if s:
                        ids.pop(s.fileno(), None); s.close(); os.unlink(paths.pop(sid))
        else:
            data = fh.recv(65536)
            out.write('msg %s %s\n' % (ids[fh.fileno()], data.hex())); out.flush()
`;
