/** A run of text with one style, from a line's ANSI SGR escapes. */
export interface Segment {
  text: string;
  /** CSS classes: `fg-1`…`fg-15`, `bg-…`, `bold`, `dim`, `italic`, `underline`. */
  classes: string;
  /** 256-colour and true-colour values, as inline style. */
  color?: string;
  background?: string;
}

// ESC [ … final byte; only `m` (SGR) changes style, the others (cursor moves, clears) are dropped;
// OSC (ESC ] … BEL or ESC \) and charset selections are dropped too. Built from strings: the
// escape character written into a regex literal reads as a mistake.
const ESC = '\u001b';
const BEL = '\u0007';
const ESCAPE = new RegExp(
  `${ESC}\\[([0-9;:?]*)([A-Za-z])|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)?|${ESC}[()][0-9A-Za-z]`,
  'g',
);

interface Style {
  fg: number | string | null;
  bg: number | string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

const plain = (): Style => ({ fg: null, bg: null, bold: false, dim: false, italic: false, underline: false });

/** Splits a line into styled segments; text with no escape is one segment (the common case, fast). */
export function parseAnsi(line: string): Segment[] {
  if (!line.includes('\u001b')) return [{ text: line, classes: '' }];
  const segments: Segment[] = [];
  let style = plain();
  let last = 0;
  ESCAPE.lastIndex = 0;
  for (let match = ESCAPE.exec(line); match !== null; match = ESCAPE.exec(line)) {
    if (match.index > last) segments.push(segment(line.slice(last, match.index), style));
    last = ESCAPE.lastIndex;
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
  }
  if (last < line.length) segments.push(segment(line.slice(last), style));
  return segments;
}

/** The line without escapes (what search and copy see). */
export function stripAnsi(line: string): string {
  return line.includes('\u001b') ? line.replace(ESCAPE, '') : line;
}

function segment(text: string, style: Style): Segment {
  const classes: string[] = [];
  const out: Segment = { text, classes: '' };
  if (typeof style.fg === 'number') classes.push(`fg-${style.fg}`);
  else if (typeof style.fg === 'string') out.color = style.fg;
  if (typeof style.bg === 'number') classes.push(`bg-${style.bg}`);
  else if (typeof style.bg === 'string') out.background = style.bg;
  if (style.bold) classes.push('bold');
  if (style.dim) classes.push('dim');
  if (style.italic) classes.push('italic');
  if (style.underline) classes.push('underline');
  out.classes = classes.join(' ');
  return out;
}

function applySgr(previous: Style, params: string): Style {
  const style = { ...previous };
  const codes = params === '' ? [0] : params.split(/[;:]/).map((code) => Number(code) || 0);
  for (let i = 0; i < codes.length; i += 1) {
    const code = codes[i] ?? 0;
    if (code === 0) Object.assign(style, plain());
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 22) style.bold = style.dim = false;
    else if (code === 23) style.italic = false;
    else if (code === 24) style.underline = false;
    else if (code >= 30 && code <= 37) style.fg = code - 30;
    else if (code >= 90 && code <= 97) style.fg = code - 90 + 8;
    else if (code === 39) style.fg = null;
    else if (code >= 40 && code <= 47) style.bg = code - 40;
    else if (code >= 100 && code <= 107) style.bg = code - 100 + 8;
    else if (code === 49) style.bg = null;
    else if (code === 38 || code === 48) {
      const [color, used] = extendedColor(codes, i + 1);
      if (code === 38) style.fg = color;
      else style.bg = color;
      i += used;
    }
  }
  return style;
}

/** `5;N` (256 colours) or `2;R;G;B`; returns the colour and how many codes it took. */
function extendedColor(codes: number[], at: number): [number | string | null, number] {
  if (codes[at] === 5) {
    const n = codes[at + 1] ?? 0;
    return [n < 16 ? n : xterm256(n), 2];
  }
  if (codes[at] === 2) return [`rgb(${codes[at + 1] ?? 0},${codes[at + 2] ?? 0},${codes[at + 3] ?? 0})`, 4];
  return [null, 0];
}

function xterm256(n: number): string {
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return `rgb(${level},${level},${level})`;
  }
  const index = n - 16;
  const scale = (value: number): number => (value === 0 ? 0 : 55 + value * 40);
  return `rgb(${scale(Math.floor(index / 36))},${scale(Math.floor(index / 6) % 6)},${scale(index % 6)})`;
}
