import type { LogLine } from './api.js';

/** Lines per chunk: the oldest go a chunk at a time, so dropping them is one array shift. */
export const CHUNK_LINES = 65_536;
const STREAMS = ['out', 'err', 'system'] as const;
/** Index 0 is "no level". */
const LEVELS = [null, 'trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

interface Chunk {
  text: string[];
  /** Epoch ms. */
  time: Float64Array;
  level: Uint8Array;
  stream: Uint8Array;
  process: Uint16Array;
}

/** One kept line, as the view reads it (made on demand for the rows on screen). */
export interface BufferedLine {
  time: number;
  process: string;
  stream: LogLine['stream'];
  level: string | null;
  text: string;
}

/**
 * The page's log lines, compact: per chunk an array of the texts and typed arrays for time, level,
 * stream and process (an index into the names seen), instead of one object with an ISO string per
 * line — a million lines are their texts and 12 bytes each. Positions are absolute (the first line
 * ever pushed is 0), so what refers to a line (a search's matches) stays right as old chunks go.
 */
export class LogBuffer {
  #chunks: Chunk[] = [];
  /** Absolute position of the first kept line. */
  #start = 0;
  #end = 0;
  #names: string[] = [];
  #nameIndex = new Map<string, number>();

  /** @param capacity lines kept at least (the oldest chunk goes once more are pushed) @default 1_000_000 */
  constructor(readonly capacity = 1_000_000) {}

  /** Absolute position of the first kept line. */
  get start(): number {
    return this.#start;
  }

  /** One past the last line's absolute position. */
  get end(): number {
    return this.#end;
  }

  get length(): number {
    return this.#end - this.#start;
  }

  push(line: LogLine): void {
    const offset = this.#end % CHUNK_LINES;
    if (offset === 0) this.#chunks.push(newChunk());
    const chunk = this.#chunks[this.#chunks.length - 1] as Chunk;
    chunk.text.push(line.text);
    chunk.time[offset] = Date.parse(line.time);
    chunk.level[offset] = Math.max(0, LEVELS.indexOf(line.level as (typeof LEVELS)[number]));
    chunk.stream[offset] = Math.max(0, STREAMS.indexOf(line.stream));
    chunk.process[offset] = this.#nameOf(line.process);
    this.#end += 1;
    if (this.length > this.capacity + CHUNK_LINES - 1 && this.#chunks.length > 1) {
      this.#chunks.shift();
      this.#start += CHUNK_LINES;
    }
  }

  /** The text of the line at absolute position `at` (undefined when gone or not yet there). */
  text(at: number): string | undefined {
    if (at < this.#start || at >= this.#end) return undefined;
    return this.#chunks[this.#chunkOf(at)]?.text[at % CHUNK_LINES];
  }

  line(at: number): BufferedLine | undefined {
    const text = this.text(at);
    const chunk = this.#chunks[this.#chunkOf(at)];
    if (text === undefined || chunk === undefined) return undefined;
    const offset = at % CHUNK_LINES;
    return {
      time: chunk.time[offset] ?? 0,
      process: this.#names[chunk.process[offset] ?? 0] ?? '',
      stream: STREAMS[chunk.stream[offset] ?? 0] ?? 'out',
      level: LEVELS[chunk.level[offset] ?? 0] ?? null,
      text,
    };
  }

  clear(): void {
    this.#chunks = [];
    // Positions keep counting: a search still running over the old lines finds none of them.
    this.#end = Math.ceil(this.#end / CHUNK_LINES) * CHUNK_LINES;
    this.#start = this.#end;
  }

  #chunkOf(at: number): number {
    return Math.floor(at / CHUNK_LINES) - Math.floor(this.#start / CHUNK_LINES);
  }

  #nameOf(name: string): number {
    let index = this.#nameIndex.get(name);
    if (index === undefined) {
      index = this.#names.length;
      this.#names.push(name);
      this.#nameIndex.set(name, index);
    }
    return index;
  }
}

function newChunk(): Chunk {
  return {
    text: [],
    time: new Float64Array(CHUNK_LINES),
    level: new Uint8Array(CHUNK_LINES),
    stream: new Uint8Array(CHUNK_LINES),
    process: new Uint16Array(CHUNK_LINES),
  };
}
