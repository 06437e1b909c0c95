import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from '../../../src/web/page/ansi.js';

const ESC = '\u001b';

describe('ANSI in the log view', () => {
  it('keeps a plain line as one segment', () => {
    expect(parseAnsi('hello')).toEqual([{ text: 'hello', classes: '' }]);
  });

  it('turns SGR colours and styles into classes, reset by 0 and 39', () => {
    expect(parseAnsi(`${ESC}[1;31merror${ESC}[0m: ${ESC}[32mok${ESC}[39m done`)).toEqual([
      { text: 'error', classes: 'fg-1 bold' },
      { text: ': ', classes: '' },
      { text: 'ok', classes: 'fg-2' },
      { text: ' done', classes: '' },
    ]);
    expect(parseAnsi(`${ESC}[91;44mx`)).toEqual([{ text: 'x', classes: 'fg-9 bg-4' }]);
  });

  it('renders 256-colour and true-colour values as inline colours', () => {
    expect(parseAnsi(`${ESC}[38;5;196mred${ESC}[48;2;1;2;3mbg`)).toEqual([
      { text: 'red', classes: '', color: 'rgb(255,0,0)' },
      { text: 'bg', classes: '', color: 'rgb(255,0,0)', background: 'rgb(1,2,3)' },
    ]);
    expect(parseAnsi(`${ESC}[38;5;244mgrey`)[0]?.color).toBe('rgb(128,128,128)');
  });

  it('drops cursor moves, clears and OSC titles, and strips every escape for search and copy', () => {
    const line = `${ESC}]0;title\u0007${ESC}[2K${ESC}[1Gprogress ${ESC}[33m50%${ESC}[0m`;
    expect(parseAnsi(line).map((segment) => segment.text)).toEqual(['progress ', '50%']);
    expect(stripAnsi(line)).toBe('progress 50%');
  });
});
