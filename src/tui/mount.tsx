import { render } from 'ink';
import { App } from './app.js';
import { type QuitKind, TuiController } from './controller.js';
import type { TuiSource } from './source.js';
import { enterScreen } from './terminal.js';

export interface TuiOptions {
  /** @default process.stdout */
  stdout?: NodeJS.WriteStream;
  /** @default process.stdin */
  stdin?: NodeJS.ReadStream;
  /** @default true */
  color?: boolean;
  /** Mouse wheel scrolls the logs (text selection then needs Shift). @default true */
  mouse?: boolean;
  /**
   * Route `console.*` output through ink, above the frame, instead of scribbling over it.
   * @default true
   */
  patchConsole?: boolean;
  /** The user asked to leave; the host decides what that means (in `up`: shut down). */
  onQuit(kind: QuitKind): void;
}

export interface TuiHandle {
  readonly controller: TuiController;
  /** Settles when the UI is gone: with null after `close()`, with the error when it crashed. */
  readonly ended: Promise<Error | null>;
  /** Unmounts and gives the terminal back (normal screen, cursor, cooked mode). */
  close(): Promise<void>;
}

/**
 * Shows the TUI full-screen on the terminal (alternate screen). Ink is told to throttle at 60 fps so
 * that our own frame scheduler (30 fps, only when something changed) is the one limit; Ctrl-C reaches
 * the controller as a key (raw mode) and means what it means in the host.
 */
export function mountTui(source: TuiSource, options: TuiOptions): TuiHandle {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const screen = enterScreen(stdout, stdin, { mouse: options.mouse ?? true });
  const controller = new TuiController(source, (kind) => options.onQuit(kind));
  const instance = render(<App controller={controller} color={options.color ?? true} />, {
    stdout,
    stdin,
    exitOnCtrlC: false,
    patchConsole: options.patchConsole ?? true,
    maxFps: 60,
    // ink 6.8's incremental mode moves the cursor one row short when a frame ends with a newline
    // (every frame that is not taller than the screen), drawing each frame a row lower; the standard
    // renderer rewrites the frame in one synchronized write instead.
    incrementalRendering: false,
  });
  const ended = instance.waitUntilExit().then(
    () => null,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  void ended.then(() => screen.restore());
  return {
    controller,
    ended,
    close: async () => {
      instance.unmount();
      await ended;
      screen.restore();
    },
  };
}
