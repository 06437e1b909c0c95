import type { Key } from 'ink';

/** What a key asks for in the main view; the controller decides what it means in context. */
export type Command =
  | { type: 'move'; by: number }
  | { type: 'page'; by: 1 | -1 }
  | { type: 'wheel'; by: number }
  | { type: 'top' }
  | { type: 'bottom' }
  | { type: 'details' }
  | { type: 'back' }
  | { type: 'focus' }
  | { type: 'restart' }
  | { type: 'toggle' }
  | { type: 'restart-group' }
  | { type: 'pause-toggle' }
  | { type: 'why' }
  | { type: 'reload' }
  | { type: 'scale'; by: 1 | -1 }
  | { type: 'search' }
  | { type: 'next-match' }
  | { type: 'previous-match' }
  | { type: 'filter' }
  | { type: 'level' }
  | { type: 'sort' }
  | { type: 'scope' }
  | { type: 'help' }
  | { type: 'quit' }
  | { type: 'quit-now' }
  | { type: 'interrupt' };

export type KeyInfo = Pick<
  Key,
  | 'upArrow'
  | 'downArrow'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'return'
  | 'escape'
  | 'ctrl'
  | 'tab'
  | 'backspace'
  | 'delete'
>;

/** Lines one wheel notch scrolls. */
const WHEEL_LINES = 3;

/** SGR mouse report (`ESC [ < button ; x ; y M`) as ink hands it over, the escape already removed. */
const MOUSE = /^\[<(\d+);\d+;\d+[Mm]$/;

/** The help screen, one entry per line: keys, then what they do. The footer shows the first ones. */
export const KEY_HELP: readonly [string, string][] = [
  ['q', 'quit (asks first)'],
  ['?', 'help'],
  ['j/k ↑/↓', 'move (table) or scroll (logs)'],
  ['enter', 'details of the selected process'],
  ['tab', 'focus table / logs'],
  ['r', 'restart the selected process'],
  ['s', 'stop it, or start it when it is not running'],
  ['R', "restart the selected process's group"],
  ['p', 'pause the selected process (SIGSTOP), or resume it when paused'],
  ['w', 'why: what the selected process waits for (or the first cause of its failure)'],
  ['L', 'reload the config: apply only what changed (ovrseer reload)'],
  ['+/-', 'scale the selected process up / down'],
  ['/', 'search the logs (regex; all lower case ignores case)'],
  ['n/N', 'next match back in time / forward'],
  ['f', 'filter by group or tag (cycles)'],
  ['l', 'level filter: all, info, warn, error'],
  ['a', 'logs of all processes / of the selected one'],
  ['o', 'sort: config, name, status, CPU, memory'],
  ['g/G', 'top / bottom (the bottom follows new lines)'],
  ['PgUp/PgDn', 'scroll the logs by a page; the mouse wheel scrolls them too'],
  ['esc', 'back; clears the search'],
  ['Q', 'quit at once (in `up`: stops everything without waiting)'],
  ['Ctrl-C', 'as in a terminal: in `up`, shut down (twice: force)'],
];

const LETTERS: Record<string, Command> = {
  j: { type: 'move', by: 1 },
  k: { type: 'move', by: -1 },
  g: { type: 'top' },
  G: { type: 'bottom' },
  r: { type: 'restart' },
  s: { type: 'toggle' },
  R: { type: 'restart-group' },
  p: { type: 'pause-toggle' },
  w: { type: 'why' },
  L: { type: 'reload' },
  '+': { type: 'scale', by: 1 },
  '=': { type: 'scale', by: 1 },
  '-': { type: 'scale', by: -1 },
  '/': { type: 'search' },
  n: { type: 'next-match' },
  N: { type: 'previous-match' },
  f: { type: 'filter' },
  l: { type: 'level' },
  a: { type: 'scope' },
  o: { type: 'sort' },
  '?': { type: 'help' },
  q: { type: 'quit' },
  Q: { type: 'quit-now' },
};

export function commandFor(input: string, key: KeyInfo): Command | null {
  if (key.ctrl && input === 'c') return { type: 'interrupt' };
  if (key.ctrl && input === 'd') return { type: 'page', by: 1 };
  if (key.ctrl && input === 'u') return { type: 'page', by: -1 };
  if (key.upArrow) return { type: 'move', by: -1 };
  if (key.downArrow) return { type: 'move', by: 1 };
  if (key.pageUp) return { type: 'page', by: -1 };
  if (key.pageDown) return { type: 'page', by: 1 };
  if (key.home) return { type: 'top' };
  if (key.end) return { type: 'bottom' };
  if (key.return) return { type: 'details' };
  if (key.escape) return { type: 'back' };
  if (key.tab) return { type: 'focus' };
  const mouse = MOUSE.exec(input);
  if (mouse !== null) {
    const button = Number(mouse[1]);
    if (button === 64) return { type: 'wheel', by: -WHEEL_LINES };
    if (button === 65) return { type: 'wheel', by: WHEEL_LINES };
    return null;
  }
  if (key.ctrl) return null;
  return LETTERS[input] ?? null;
}

export type PromptEdit = { kind: 'edit'; text: string } | { kind: 'submit' } | { kind: 'cancel' };

/** A key typed into the `/` prompt: text, backspace, Enter or Esc; other keys (arrows, mouse) are ignored. */
export function editPrompt(text: string, input: string, key: KeyInfo): PromptEdit | null {
  if (key.escape) return { kind: 'cancel' };
  if (key.return) return { kind: 'submit' };
  if (key.backspace || key.delete) return { kind: 'edit', text: text.slice(0, -1) };
  if (key.ctrl || input === '' || MOUSE.test(input)) return null;
  return { kind: 'edit', text: text + input };
}

/** A key event with no modifier or special key set (what a plain character is). */
export const NO_KEY: KeyInfo = {
  upArrow: false,
  downArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  tab: false,
  backspace: false,
  delete: false,
};

/**
 * Ink hands over a burst of plain characters (a paste, or keys typed faster than a read) as one
 * input; each character is a key here, so `jj` moves twice and `/api⏎` searches.
 */
export function splitKeys(input: string, key: KeyInfo): [string, KeyInfo][] {
  if (input.length <= 1 || MOUSE.test(input) || key.ctrl || key.escape) return [[input, key]];
  return [...input].map((char): [string, KeyInfo] => {
    if (char === '\r' || char === '\n') return ['', { ...NO_KEY, return: true }];
    if (char === '\t') return ['', { ...NO_KEY, tab: true }];
    if (char === '\u007f' || char === '\b') return ['', { ...NO_KEY, backspace: true }];
    return [char, NO_KEY];
  });
}
