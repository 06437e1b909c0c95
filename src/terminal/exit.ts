import { isatty } from 'node:tty';

/**
 * Ends the process with `code` — unless the terminal it was started on has gone away (its window
 * closed, an ssh connection dropped). Then Node 20, restoring the terminal's mode at exit, fails its
 * own assertion on the EIO and aborts, printing a native stack trace (fixed in Node 24,
 * nodejs/node#58200). A process whose terminal hung up ends as such processes do: by SIGHUP, which
 * skips that restore; everything was shut down before this is called.
 */
export function exitProcess(code: number): never {
  const streams = [process.stdin, process.stdout, process.stderr];
  const hungUp = streams.some((stream, fd) => stream.isTTY === true && !isatty(fd));
  if (hungUp) {
    // With no listener left, Node gives SIGHUP back its default action: the process ends.
    process.removeAllListeners('SIGHUP');
    process.kill(process.pid, 'SIGHUP');
  }
  return process.exit(code);
}
