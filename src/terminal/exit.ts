import { fstatSync } from 'node:fs';
import { nodeTty } from '../core/lazy-builtin.js';
import { TerminalGuard } from './terminal-guard.js';

/**
 * Ends the process with `code` — unless the terminal it was started on has hung up (its window
 * closed, an ssh connection dropped). Then Node 20, restoring the terminal's mode at exit, fails its
 * own assertion on the EIO and aborts, printing a native stack trace (fixed in Node 24,
 * nodejs/node#58200). A process whose terminal hung up ends as such processes do: by SIGHUP, which
 * skips that restore; everything was shut down before this is called.
 */
export function exitProcess(code: number): never {
  if (TerminalGuard.forProcess().hungUp && stdioHungUp()) {
    // With no listener left, Node gives SIGHUP back its default action: the process ends.
    process.removeAllListeners('SIGHUP');
    process.kill(process.pid, 'SIGHUP');
  }
  return process.exit(code);
}

/** A standard descriptor that is a character device but no longer a terminal: a tty that hung up. */
function stdioHungUp(): boolean {
  const { isatty } = nodeTty();
  return [0, 1, 2].some((fd) => {
    try {
      return fstatSync(fd).isCharacterDevice() && !isatty(fd);
    } catch (error) {
      // A closed descriptor has nothing for Node to restore either.
      if ((error as NodeJS.ErrnoException).code === 'EBADF') return false;
      throw error;
    }
  });
}
