import type {
  ErrorEvent,
  HealthChangeEvent,
  LogLineEvent,
  LogOutputEvent,
  StateChangeEvent,
  WarningEvent,
} from '../core/events.js';
import { type Colors, createColors, formatClock } from './format.js';

type Paint = (text: string) => string;

/** `maxBacklog` of a supervisor's printer: a reader that stalls costs at most a few MiB. */
export const SUPERVISOR_BACKLOG = 1024 * 1024;

export interface PrinterOptions {
  out: NodeJS.WritableStream;
  color: boolean;
  /**
   * Where processes' stderr lines go, with the same prefix, and whether in colour (its own terminal
   * test: `up 2>err.txt` on a terminal colours stdout only). compose and foreman keep the two streams.
   * @default the lines go to `out`
   */
  err?: { out: NodeJS.WritableStream; color: boolean };
  /** Every instance that may appear, so the prefix column is aligned from the first line. */
  instances: readonly { id: string; name: string }[];
  /** @default Date.now */
  now?: () => number;
  /**
   * Bytes that may wait for a reader that does not keep up (a paused pipe, a terminal stopped with
   * Ctrl-S) before process output is held back and counted; ovrseer's own lines wait up to 4x that.
   * A supervisor sets it (it must not hold output without bound); `logs`, which awaits `flush`, need not.
   * @default Infinity
   */
  maxBacklog?: number;
}

const NEWLINE = 0x0a;

/** Name used for ovrseer's own lines. */
const SELF = 'ovrseer';

/** One output stream with its colours and what waits to be written to it. */
class Channel {
  readonly palette: Paint[];
  /** Encoded at once: lines of a flood arrive as bytes, and one write takes them all. */
  pending: Buffer[] = [];
  pendingBytes = 0;
  flushScheduled = false;
  /** Lines held back since the reader fell behind, told about once it catches up. */
  heldBack = 0;

  constructor(
    readonly out: NodeJS.WritableStream,
    readonly colors: Colors,
  ) {
    const c = colors;
    this.palette = [c.cyan, c.yellow, c.green, c.magenta, c.blue, c.redBright, c.cyanBright, c.yellowBright];
  }

  get backlog(): number {
    return this.pendingBytes + ((this.out as { writableLength?: number }).writableLength ?? 0);
  }
}

/**
 * The foreground output of `up`: `HH:MM:SS name | line` with names padded to one width and coloured
 * per process, plus a line for each state change. Lines are batched per tick so a flooding process
 * costs one write per tick, not one per line.
 */
export class Printer {
  readonly #main: Channel;
  /** The channel of processes' stderr lines (the main one unless `err` is given). */
  readonly #err: Channel;
  /** Colours of ovrseer's own lines, which go to the main channel. */
  readonly #colors: Colors;
  readonly #width: number;
  /** Per process name, its colour: an index into the palette, -1 for ovrseer's own (bold). */
  readonly #paints = new Map<string, number>();
  readonly #now: () => number;
  readonly #maxBacklog: number;

  constructor(options: PrinterOptions) {
    this.#colors = createColors(options.color);
    this.#main = new Channel(options.out, this.#colors);
    this.#err =
      options.err === undefined || options.err.out === options.out
        ? this.#main
        : new Channel(options.err.out, createColors(options.err.color));
    this.#now = options.now ?? Date.now;
    this.#maxBacklog = options.maxBacklog ?? Number.POSITIVE_INFINITY;
    this.#width = Math.max(SELF.length, ...options.instances.map((instance) => instance.id.length));
    for (const instance of options.instances) {
      if (!this.#paints.has(instance.name)) this.#assignPaint(instance.name);
    }
  }

  log(event: LogLineEvent): void {
    const separator = event.stream === 'system' ? this.#colors.dim('*') : '|';
    this.#write(event.time, event.process, event.name, separator, event.text, this.#channelOf(event.stream));
  }

  /**
   * The lines of an `output` event. They share a prefix, and are assembled as bytes into one buffer:
   * under a flood the printer then makes one buffer per chunk read, not strings per line.
   */
  output(event: LogOutputEvent): void {
    const { lines } = event;
    if (lines.count === 0) return;
    const channel = this.#channelOf(event.stream);
    if (!this.#admit(channel, this.#maxBacklog, lines.count)) return;
    const separator = event.stream === 'system' ? channel.colors.dim('*') : '|';
    const prefix = Buffer.from(this.#prefix(channel, event.time, event.process, event.name, separator));
    const chunk = Buffer.allocUnsafe(lines.count * (prefix.length + 1) + lines.span);
    let at = 0;
    for (let i = 0; i < lines.count; i += 1) {
      chunk.set(prefix, at);
      at = lines.copyLine(i, chunk, at + prefix.length);
      chunk[at] = NEWLINE;
      at += 1;
    }
    this.#push(channel, chunk.subarray(0, at));
  }

  state(event: StateChangeEvent): void {
    this.#write(event.time, event.process, event.name, this.#colors.dim('*'), this.#describe(event));
  }

  health(event: HealthChangeEvent): void {
    const c = this.#colors;
    const paint = event.to === 'healthy' ? c.green : event.to === 'unhealthy' ? c.red : c.dim;
    const name = event.process.replace(/\.\d+$/, '');
    this.#write(event.time, event.process, name, c.dim('*'), paint(`${event.to}: ${event.reason}`));
  }

  /** A warning from the metrics sampler (sustained CPU, a leak, a memory limit). */
  warning(event: WarningEvent): void {
    const c = this.#colors;
    const name = event.process.replace(/\.\d+$/, '');
    this.#write(event.time, event.process, name, c.yellow('!'), c.yellow(event.message));
  }

  error(event: ErrorEvent): void {
    const where = event.context.processId === undefined ? '' : `${event.context.processId}: `;
    const text = `${event.context.severity} during ${event.context.operation}: ${where}${event.error.message}`;
    this.#write(event.time, SELF, SELF, this.#colors.red('!'), this.#colors.red(text));
  }

  /** A line from ovrseer itself. */
  message(text: string, time = this.#now()): void {
    this.#write(time, SELF, SELF, this.#colors.dim('*'), text);
  }

  /** Writes everything pending; resolves when the streams have taken it. */
  async flush(): Promise<void> {
    if (this.#err === this.#main) return Printer.#flush(this.#main);
    await Promise.all([Printer.#flush(this.#main), Printer.#flush(this.#err)]);
  }

  static #flush(channel: Channel): Promise<void> {
    channel.flushScheduled = false;
    if (channel.pending.length === 0) return Promise.resolve();
    const chunk =
      channel.pending.length === 1 ? (channel.pending[0] as Buffer) : Buffer.concat(channel.pending);
    channel.pending = [];
    channel.pendingBytes = 0;
    // A closed pipe or terminal: the TerminalGuard has reported it; what is left has nowhere to go.
    if (!channel.out.writable) return Promise.resolve();
    return new Promise((resolve) => {
      channel.out.write(chunk, () => resolve());
    });
  }

  #channelOf(stream: LogLineEvent['stream']): Channel {
    return stream === 'err' ? this.#err : this.#main;
  }

  /**
   * Whether `lines` more may be queued while `limit` bytes wait: a reader that does not keep up must
   * not make the supervisor hold its output in memory without bound. Once the backlog is down to half
   * the limit again, a line says how many were held back.
   */
  #admit(channel: Channel, limit: number, lines: number): boolean {
    const backlog = channel.backlog;
    if (backlog > limit) {
      channel.heldBack += lines;
      return false;
    }
    if (channel.heldBack > 0 && backlog <= this.#maxBacklog / 2) {
      const count = channel.heldBack;
      channel.heldBack = 0;
      const text = `${count} line${count === 1 ? '' : 's'} not shown: the output was not read fast enough (\`ovrseer logs\` has them all)`;
      const c = channel.colors;
      this.#push(
        channel,
        Buffer.from(`${this.#prefix(channel, this.#now(), SELF, SELF, c.yellow('!'))}${c.yellow(text)}\n`),
      );
    }
    return true;
  }

  #describe(event: StateChangeEvent): string {
    const c = this.#colors;
    switch (event.to) {
      case 'running':
        return c.green(event.reason);
      case 'ready':
        return c.green(event.reason);
      case 'completed':
        return `${event.reason} (completed)`;
      case 'crashed':
        return c.red(event.reason);
      case 'failed':
        return c.red(`failed: ${event.reason}`);
      case 'backoff':
        return c.yellow(`restarting: ${event.reason}`);
      case 'paused':
        return c.yellow(`paused (${event.reason})`);
      case 'stopping':
        return `stopping (${event.reason})`;
      case 'stopped':
        return 'stopped';
      case 'pending':
        return c.dim(event.reason);
      case 'starting':
        return c.dim(`starting (${event.reason})`);
    }
  }

  #write(
    time: number,
    id: string,
    name: string,
    separator: string,
    text: string,
    channel: Channel = this.#main,
  ): void {
    if (!this.#admit(channel, this.#maxBacklog * 4, 1)) return;
    this.#push(channel, Buffer.from(`${this.#prefix(channel, time, id, name, separator)}${text}\n`));
  }

  #prefix(channel: Channel, time: number, id: string, name: string, separator: string): string {
    const index = this.#paints.get(name) ?? this.#assignPaint(name);
    const paint =
      index < 0 ? channel.colors.bold : (channel.palette[index % channel.palette.length] as Paint);
    return `${channel.colors.dim(formatClock(time))} ${paint(id.padEnd(this.#width))} ${separator} `;
  }

  #push(channel: Channel, chunk: Buffer): void {
    channel.pending.push(chunk);
    channel.pendingBytes += chunk.length;
    if (!channel.flushScheduled) {
      channel.flushScheduled = true;
      setImmediate(() => void Printer.#flush(channel));
    }
  }

  #assignPaint(name: string): number {
    const index = name === SELF ? -1 : this.#paints.size;
    this.#paints.set(name, index);
    return index;
  }
}
