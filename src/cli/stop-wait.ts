import { type Clock, type ClockTimer, systemClock } from '../core/clock.js';
import { formatMs } from '../core/managed-process.js';
import { errorMessage } from '../errors.js';
import type { ProcessRow } from '../supervisor/process-rows.js';

/** What a wait is for: `stop`/`restart` wait for stopping processes; `down` for everything to end. */
export type WaitKind = 'stop' | 'down';

export interface WaitDescription {
  text: string;
  /** The text without its times: a new plain line is printed only when this changes. */
  key: string;
}

/** Processes named in full in a wait line; the rest are counted. */
const NAMED = 3;
const LIVE = new Set(['starting', 'running', 'ready', 'paused']);

/**
 * What `stop`, `restart` and `down` are waiting for, from the rows the supervisor reports
 * (`GET /v1/processes`): its stopping processes with the signal sent and when SIGKILL follows, then
 * (for `down`) the cleanup processes still running, then whatever still runs. `null`: nothing to say.
 */
export function describeWait(rows: readonly ProcessRow[], kind: WaitKind): WaitDescription | null {
  const stopping = rows.filter((row) => row.status === 'stopping');
  if (stopping.length > 0) {
    return listed(
      stopping.map((row) => ({ text: `${row.name} (stopping: ${stopDetail(row)})`, key: stopKey(row) })),
    );
  }
  if (kind === 'stop') return null;
  const live = rows.filter((row) => LIVE.has(row.status));
  const cleanup = live.filter((row) => row.type === 'cleanup');
  if (cleanup.length > 0) {
    return listed(
      cleanup.map((row) => ({
        text: `cleanup ${row.name} (${row.status}${row.uptime_ms === null ? '' : ` for ${seconds(row.uptime_ms)}`})`,
        key: `cleanup ${row.name} ${row.status}`,
      })),
    );
  }
  if (live.length > 0) {
    const names = live.map((row) => row.name);
    return {
      text: `waiting for ${plural(live.length, 'process', 'processes')} to stop: ${names.slice(0, NAMED).join(', ')}${more(live.length)}`,
      key: `live ${names.join(' ')}`,
    };
  }
  return null;
}

function listed(items: readonly { text: string; key: string }[]): WaitDescription {
  return {
    text: `waiting for ${items
      .slice(0, NAMED)
      .map((item) => item.text)
      .join(', ')}${more(items.length)}`,
    key: items.map((item) => item.key).join(' '),
  };
}

function stopDetail(row: ProcessRow): string {
  const stop = row.stopping;
  // A supervisor that does not report its stops' progress: its reason is all there is.
  if (stop === null || stop === undefined) return row.reason ?? 'stop requested';
  if (stop.signal === 'SIGKILL') return `SIGKILL sent ${seconds(stop.signal_ms ?? 0)} ago`;
  const kill = `SIGKILL at ${formatMs(stop.kill_after_ms)}`;
  // With `stop.command_only` no signal follows the command: the wait after it is still this line.
  if (stop.signal === null) return `stop command started ${seconds(stop.elapsed_ms)} ago; ${kill}`;
  return `${stop.signal} sent ${seconds(stop.signal_ms ?? stop.elapsed_ms)} ago; ${kill}`;
}

function stopKey(row: ProcessRow): string {
  return `${row.name}:${row.stopping?.signal ?? 'command'}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function more(count: number): string {
  return count > NAMED ? ` and ${count - NAMED} more` : '';
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export interface WaitNoticeOptions {
  /** Where the notice goes (stderr: stdout keeps the command's result). */
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  kind: WaitKind;
  /** The supervisor's rows, or `null` once it no longer answers (it is exiting). */
  rows: () => Promise<ProcessRow[] | null>;
  /** @default the system clock */
  clock?: Clock;
  /** Silence before the first notice: a wait shorter than this says nothing. @default 1000 */
  delayMs?: number;
  /** Between two looks at the rows. @default 1000 */
  intervalMs?: number;
}

/**
 * Says what a `stop`, `restart` or `down` is waiting for once it has waited a second: on a terminal
 * one line, rewritten every second and erased at the end; otherwise a plain line, and another only
 * when what is waited for changes (another process, SIGKILL sent).
 */
export class WaitNotice {
  readonly #options: WaitNoticeOptions;
  readonly #clock: Clock;
  #timer: ClockTimer | null = null;
  #polling: Promise<void> | null = null;
  #stopped = false;
  #lastKey: string | null = null;
  #lineShown = false;

  constructor(options: WaitNoticeOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  start(): void {
    this.#schedule(this.#options.delayMs ?? 1000);
  }

  /** Ends the notice (erasing the terminal line); resolves once no look at the rows is under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    await this.#polling;
    if (this.#lineShown) this.#options.out.write('\r\x1b[K');
    this.#lineShown = false;
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = null;
      this.#polling = this.#look().finally(() => {
        this.#polling = null;
      });
    }, ms);
  }

  async #look(): Promise<void> {
    let rows: ProcessRow[] | null;
    try {
      rows = await this.#options.rows();
    } catch (error) {
      // The notice is a courtesy: the wait itself goes on, and says why it can no longer tell more.
      this.#show({
        text: `(cannot ask the supervisor what it waits for: ${errorMessage(error)})`,
        key: 'error',
      });
      return;
    }
    if (this.#stopped) return;
    const description =
      rows === null
        ? { text: 'waiting for the supervisor to exit', key: 'exit' }
        : describeWait(rows, this.#options.kind);
    if (description === null) this.#erase();
    else this.#show(description);
    this.#schedule(this.#options.intervalMs ?? 1000);
  }

  #show(description: WaitDescription): void {
    const { out } = this.#options;
    if (out.isTTY) {
      // A pty without a size (script, CI) reports 0 columns.
      const width = Math.max(20, (out.columns || 80) - 1);
      const text =
        description.text.length > width ? `${description.text.slice(0, width - 1)}…` : description.text;
      out.write(`\r\x1b[K${text}`);
      this.#lineShown = true;
    } else if (description.key !== this.#lastKey) {
      out.write(`${description.text}\n`);
    }
    this.#lastKey = description.key;
  }

  #erase(): void {
    if (this.#lineShown) this.#options.out.write('\r\x1b[K');
    this.#lineShown = false;
    this.#lastKey = null;
  }
}
