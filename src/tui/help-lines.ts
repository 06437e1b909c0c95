import type { Colors } from './format.js';
import { KEY_HELP } from './keys.js';

/** `?`: every key, and what quitting does here. */
export function helpLines(c: Colors, mode: 'local' | 'remote'): string[] {
  const keyWidth = Math.max(...KEY_HELP.map(([keys]) => keys.length));
  return [
    c.bold(' keys'),
    '',
    ...KEY_HELP.map(([keys, what]) => `  ${c.cyan(keys.padEnd(keyWidth))}  ${what}`),
    '',
    mode === 'local'
      ? c.dim('  q stops every process gracefully (as Ctrl-C in `ovrseer up`), cleanup processes included.')
      : c.dim('  q leaves this viewer; the supervisor keeps running (`ovrseer down` stops it).'),
    c.dim('  press any key to go back'),
  ];
}
