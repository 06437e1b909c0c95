import type { Colors } from './format.js';
import { KEY_HELP } from './keys.js';
import { Lines } from './lines.js';

export interface HelpViewProps {
  c: Colors;
  height: number;
  mode: 'local' | 'remote';
}

/** `?`: every key, and what quitting does here. */
export function HelpView({ c, height, mode }: HelpViewProps) {
  const width = Math.max(...KEY_HELP.map(([keys]) => keys.length));
  const lines = [
    c.bold(' keys'),
    '',
    ...KEY_HELP.map(([keys, what]) => `  ${c.cyan(keys.padEnd(width))}  ${what}`),
    '',
    mode === 'local'
      ? c.dim('  q stops every process gracefully (as Ctrl-C in `ovrseer up`), cleanup processes included.')
      : c.dim('  q leaves this viewer; the supervisor keeps running (`ovrseer down` stops it).'),
    c.dim('  press any key to go back'),
  ];
  return <Lines lines={lines} height={height} />;
}
