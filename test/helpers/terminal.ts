import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

/** Generous: a loaded 2-core machine starts node slowly; every wait polls and returns early. */
export const WAIT = { timeout: 25_000, interval: 50 };

let sessions = 0;

/**
 * A real terminal: a private tmux server (its own socket, no user config) running one command in a
 * pane of a fixed size. The command is wrapped so the pane outlives it and shows how it ended: its
 * exit code and whether the terminal was left in canonical (cooked) mode.
 */
export class Terminal {
  readonly socket = `ovrseer-tui-${process.pid}-${++sessions}`;

  constructor(
    readonly dir: string,
    command: string,
    env: Record<string, string> = {},
  ) {
    const script = join(dir, `run-${sessions}.sh`);
    const exports = Object.entries(env).map(([name, value]) => `export ${name}=${JSON.stringify(value)}`);
    writeFileSync(
      script,
      [
        'unset CI NO_COLOR FORCE_COLOR',
        // Ctrl-C goes to the whole foreground group: the wrapper waits it out and reports.
        "trap 'true' INT",
        ...exports,
        command,
        'echo "[exit $?]"',
        `stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon`,
        'sleep 600',
        '',
      ].join('\n'),
    );
    this.tmux('new-session', '-d', '-s', 'main', '-x', '120', '-y', '36', '-c', dir, `sh ${script}`);
    this.socketPath = this.flag('#{socket_path}');
  }

  readonly socketPath: string;

  tmux(...args: string[]): string {
    const env = { ...process.env };
    delete env.CI;
    delete env.TMUX;
    const result = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      env,
    });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  }

  screen(escapes = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'main');
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  /** A tmux format of the pane: `#{alternate_on}`, `#{cursor_flag}`, `#{mouse_any_flag}`… */
  flag(format: string): string {
    return this.tmux('display', '-p', '-t', 'main', format).trim();
  }

  async waitFor(pattern: RegExp, what: string, escapes = false): Promise<void> {
    let last = '';
    await waitFor(
      () => {
        last = this.screen(escapes);
        return pattern.test(last);
      },
      `${what} (${pattern})`,
      WAIT,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the screen:\n${last}`);
    });
  }

  /** The pid of the program the wrapper runs (the wrapper is the pane's process). */
  programPid(): number {
    const shell = this.flag('#{pane_pid}');
    const child = spawnSync('pgrep', ['-P', shell], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    return Number(child);
  }

  close(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server']);
    // The server leaves its socket file behind when it is killed.
    rmSync(this.socketPath, { force: true });
  }
}
