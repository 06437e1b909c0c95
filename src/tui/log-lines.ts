import type { LogEntry } from '../logs/types.js';
import { formatClock } from '../terminal/format.js';
import { type Colors, fitText, type Paint, processPalette, sanitizeLine } from './format.js';
import { highlight, type SearchPattern } from './search.js';

export interface LineStyle {
  c: Colors;
  /** Width of the name column; 0 hides it (the pane shows one process). */
  nameWidth: number;
  search: SearchPattern | null;
  /** Seq of the current match, marked in the gutter. */
  matchSeq: number | null;
}

/** A stable colour per process name, the same one in the table and in every frame. */
export class ProcessPaints {
  readonly #paints = new Map<string, Paint>();
  readonly #palette: Paint[];

  constructor(c: Colors) {
    this.#palette = processPalette(c);
  }

  of(name: string): Paint {
    let paint = this.#paints.get(name);
    if (paint === undefined) {
      paint = this.#palette[this.#paints.size % this.#palette.length] ?? ((text: string) => text);
      this.#paints.set(name, paint);
    }
    return paint;
  }
}

/**
 * `HH:MM:SS name | text` as the prefixed printer writes it: the name coloured per process, ovrseer's
 * own lines (state changes) with `*` and dimmed, warnings yellow and errors red when the process did
 * not colour them itself, search matches highlighted.
 */
export function formatLogLine(entry: LogEntry, style: LineStyle, paints: ProcessPaints): string {
  const { c } = style;
  const gutter = entry.seq === style.matchSeq ? c.yellow('▶') : ' ';
  const name =
    style.nameWidth > 0 ? `${paints.of(entry.name)(fitText(entry.process, style.nameWidth))} ` : '';
  const separator = entry.stream === 'system' ? c.dim('*') : entry.stream === 'err' ? c.red('|') : '|';
  let text = sanitizeLine(entry.text);
  const found = style.search === null ? null : highlight(text, style.search.matcher, c);
  if (found?.matched) text = found.text;
  else if (!text.includes('\u001b')) {
    if (entry.level === 'error') text = c.red(text);
    else if (entry.level === 'warn') text = c.yellow(text);
    else if (entry.stream === 'system') text = c.dim(text);
  }
  return `${gutter}${c.dim(formatClock(entry.time))} ${name}${separator} ${text}`;
}
