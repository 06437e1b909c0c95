import { isErrnoException } from '../errors.js';

const ALT_SCREEN_ON = '\u001b[?1049h';
const ALT_SCREEN_OFF = '\u001b[?1049l';
const CLEAR_HOME = '\u001b[2J\u001b[H';
/** Button events (wheel included) in SGR encoding: unambiguous at any column. */
const MOUSE_ON = '\u001b[?1000h\u001b[?1006h';
const MOUSE_OFF = '\u001b[?1006l\u001b[?1000l';
const CURSOR_SHOW = '\u001b[?25h';
const CURSOR_HIDE = '\u001b[?25l';
const TERMINAL_GONE = new Set(['EIO', 'EBADF', 'ENOTTY', 'ENXIO']);

export interface ScreenOptions {
  /**
   * Report the mouse wheel so it scrolls the logs. Terminals then select text only with Shift held.
   * @default true
   */
  mouse?: boolean;
}

export interface Screen {
  /** Leaves the alternate screen, shows the cursor, stops mouse reports, ends raw mode. Idempotent. */
  restore(): void;
}

type Output = Pick<NodeJS.WriteStream, 'write'>;
type Input = Partial<Pick<NodeJS.ReadStream, 'isTTY' | 'isRaw' | 'setRawMode'>>;

/**
 * Switches the terminal to a full-screen session and makes sure it is switched back whatever
 * happens: a normal end, `process.exit`, an uncaught exception (restored before Node prints it, so
 * the message lands on the normal screen) or a signal handled elsewhere that ends the process.
 */
export function enterScreen(stdout: Output, stdin: Input, options: ScreenOptions = {}): Screen {
  const mouse = options.mouse ?? true;
  stdout.write(ALT_SCREEN_ON + CLEAR_HOME + CURSOR_HIDE + (mouse ? MOUSE_ON : ''));
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    process.off('uncaughtExceptionMonitor', restore);
    // Written at once when the terminal has room (it is non-blocking: see TerminalGuard), so this
    // lands even from an `exit` handler.
    stdout.write((mouse ? MOUSE_OFF : '') + CURSOR_SHOW + ALT_SCREEN_OFF);
    if (stdin.isTTY && stdin.isRaw && stdin.setRawMode !== undefined) {
      try {
        stdin.setRawMode(false);
      } catch (error) {
        // The terminal was closed (its window, an ssh connection): there is no mode left to restore.
        if (!isErrnoException(error) || !TERMINAL_GONE.has(error.code ?? '')) throw error;
      }
    }
  };
  process.on('exit', restore);
  process.on('uncaughtExceptionMonitor', restore);
  return { restore };
}
